package dev.sluice.spi;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.time.Instant;
import java.util.Objects;

/**
 * An event that failed after its retries, with the last failure, the number of attempts, and
 * when the first and the last attempt failed.
 */
public record DeadLetter(Event event, String processor, Result failure, int attempts,
    Instant firstFailure, Instant lastFailure) {
  public DeadLetter {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(processor, "processor");
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(firstFailure, "firstFailure");
    Objects.requireNonNull(lastFailure, "lastFailure");
  }
}
