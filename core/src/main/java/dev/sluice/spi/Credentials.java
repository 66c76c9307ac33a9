package dev.sluice.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a client presents to a server that requires authentication: a user name and a password.
 * The password is held as characters so the caller can wipe it; {@link #toString} never shows it.
 */
public final class Credentials {
  private final String username;
  private final char[] password;

  public Credentials(String username, char[] password) {
    this.username = Objects.requireNonNull(username, "username");
    this.password = Objects.requireNonNull(password, "password").clone();
  }

  public String username() {
    return username;
  }

  /** A copy of the password. */
  public char[] password() {
    return password.clone();
  }

  /** Overwrites the held password. */
  public void wipe() {
    Arrays.fill(password, '\0');
  }

  @Override
  public String toString() {
    return "Credentials{username=" + username + ", password=****}";
  }
}
