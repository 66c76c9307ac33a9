package dev.sluice.spi;

/**
 * Authentication failed. The message is safe to show the caller: it never says whether the user
 * exists, and it never contains a password.
 */
public class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }
}
