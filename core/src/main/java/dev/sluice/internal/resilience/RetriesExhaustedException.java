package dev.sluice.internal.resilience;

import dev.sluice.event.Result;
import dev.sluice.spi.ProcessingException;
import java.time.Instant;

/**
 * Thrown by {@link RetryingProcessor} when an event's last allowed attempt failed. It keeps the
 * last failure's code and message, so a lane that sees it answers as for that failure, and tells
 * {@link DeadLetteringProcessor} how many attempts were made and when they failed.
 */
final class RetriesExhaustedException extends ProcessingException {
  private static final long serialVersionUID = 1L;

  private final transient Result lastFailure;
  private final int attempts;
  private final Instant firstFailure;
  private final Instant lastFailureTime;

  RetriesExhaustedException(Result lastFailure, int attempts, Instant firstFailure,
      Instant lastFailureTime, Throwable cause) {
    super(lastFailure.errorCode().orElse(lastFailure.status().name()),
        lastFailure.errorMessage().orElse(lastFailure.status().name()), cause);
    this.lastFailure = lastFailure;
    this.attempts = attempts;
    this.firstFailure = firstFailure;
    this.lastFailureTime = lastFailureTime;
  }

  /** The failure of the last attempt, as the sender is answered. */
  Result lastFailure() {
    return lastFailure;
  }

  int attempts() {
    return attempts;
  }

  Instant firstFailure() {
    return firstFailure;
  }

  Instant lastFailureTime() {
    return lastFailureTime;
  }
}
