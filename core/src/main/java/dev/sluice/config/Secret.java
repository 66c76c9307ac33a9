package dev.sluice.config;

import java.util.Objects;

/**
 * A configuration value that must never be printed: a password, a token. {@link #toString()} is
 * {@code [hidden]}; only {@link #reveal()} gives the value.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The clear value, for handing to the driver or broker client that needs it. */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return "[hidden]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret && ((Secret) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
