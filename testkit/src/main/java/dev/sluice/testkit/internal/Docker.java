package dev.sluice.testkit.internal;

import org.testcontainers.DockerClientFactory;

/**
 * Whether Testcontainers can be used: asked once per JVM (the probe takes ~0.3 s without a
 * Docker engine). {@code SLUICE_TEST_DOCKER=false} skips the probe and uses local services.
 */
public final class Docker {
  public static final String DISABLE_OVERRIDE = "SLUICE_TEST_DOCKER";

  private static volatile Boolean available;

  private Docker() {
  }

  public static boolean available() {
    Boolean known = available;
    if (known == null) {
      synchronized (Docker.class) {
        known = available;
        if (known == null) {
          known = !"false".equalsIgnoreCase(Overrides.getOrDefault(DISABLE_OVERRIDE, "true"))
              && probe();
          available = known;
        }
      }
    }
    return known;
  }

  private static boolean probe() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
