package dev.sluice.spi;

/**
 * A processor failure with a machine-readable code, reported to the sender as an {@code ERROR}
 * result carrying that code and this exception's message.
 *
 * <pre>{@code
 * throw new ProcessingException("NO_SUCH_ACCOUNT", "account 7 does not exist; create it first");
 * throw ProcessingException.retryable("UPSTREAM_BUSY", "pricing service answered 503");
 * }</pre>
 *
 * <p>A retryable failure may be retried by the engine's retry policy; others never are.
 */
public class ProcessingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final boolean retryable;

  public ProcessingException(String code, String message) {
    this(code, message, false, null);
  }

  public ProcessingException(String code, String message, Throwable cause) {
    this(code, message, false, cause);
  }

  protected ProcessingException(String code, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.code = requireCode(code);
    this.retryable = retryable;
  }

  /** A failure that may succeed if tried again. */
  public static ProcessingException retryable(String code, String message) {
    return new ProcessingException(code, message, true, null);
  }

  public String code() {
    return code;
  }

  public boolean isRetryable() {
    return retryable;
  }

  private static String requireCode(String code) {
    if (code == null || code.isBlank()) {
      throw new IllegalArgumentException("a processing error needs a code, such as BAD_INPUT");
    }
    return code;
  }
}
