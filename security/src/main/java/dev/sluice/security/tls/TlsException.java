package dev.sluice.security.tls;

/**
 * TLS material could not be loaded or created: a file is missing or unreadable, a key does not
 * match its certificate, a password is wrong. The message names the configuration key and the
 * file, and says what to do; the cause is kept.
 */
public final class TlsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TlsException(String message) {
    super(message);
  }

  public TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
