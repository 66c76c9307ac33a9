package dev.sluice.event;

/** The status of a {@link Result}. */
public enum Status {
  /** The processor succeeded. */
  OK(false),
  /** The processor failed; the result carries a code and a message. */
  ERROR(false),
  /** The event was refused by routing or by policy (for example no processor for its type). */
  REJECTED(false),
  /** A queue was full; retry later. Nothing was processed. */
  OVERLOADED(true),
  /** The caller may not send this event. Nothing was processed. */
  UNAUTHORIZED(false),
  /** The event failed validation. Nothing was processed. */
  INVALID(false),
  /** No result within the deadline. The event may or may not have been processed. */
  TIMEOUT(true),
  /** A dependency (a broker, the store, a processor behind an open breaker) is unavailable. */
  UNAVAILABLE(true);

  private final boolean retryable;

  Status(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether sending the same event again later can succeed. */
  public boolean isRetryable() {
    return retryable;
  }
}
