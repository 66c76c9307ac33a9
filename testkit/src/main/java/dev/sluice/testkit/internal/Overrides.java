package dev.sluice.testkit.internal;

import java.util.Optional;

/**
 * Reads a {@code SLUICE_TEST_*} override: the environment variable, else a system property of
 * the same name (so {@code mvn -DSLUICE_TEST_MARIADB_URL=...} works too). Blank means unset.
 */
public final class Overrides {
  private Overrides() {
  }

  public static Optional<String> get(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      value = System.getProperty(name);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public static String getOrDefault(String name, String fallback) {
    return get(name).orElse(fallback);
  }
}
