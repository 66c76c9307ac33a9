package dev.sluice.security;

import dev.sluice.spi.AuthenticationException;

/**
 * A login could not be checked because the server is busy checking many others: the password
 * was not tested and nothing was counted against the user. The caller may retry shortly; a
 * transport maps it to a retryable answer.
 */
public final class LoginBusyException extends AuthenticationException {
  private static final long serialVersionUID = 1L;

  public LoginBusyException(String message) {
    super(message);
  }
}
