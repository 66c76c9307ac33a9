package dev.sluice.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a processor's retryable failures are retried: the {@code retry} section of a
 * {@code processors[]} entry.
 *
 * <p>A failure is retryable when the processor throws
 * {@link dev.sluice.spi.ProcessingException#retryable} or returns a result whose
 * {@link dev.sluice.event.Status#isRetryable() status is retryable}. Attempt {@code n} (from 2)
 * waits {@code initialBackoff * multiplier^(n-2)}, at most {@code maxBackoff}, spread by
 * {@code ±jitter} of itself. A retry whose wait would end after the event's deadline is not
 * made: the last failure is answered instead.
 *
 * @param maxAttempts attempts in all, the first one included; 1 turns retries off
 * @param initialBackoff the wait before the second attempt
 * @param maxBackoff the longest wait between two attempts
 * @param multiplier how much each wait grows over the one before
 * @param jitter the random spread of each wait, from 0.0 (none) to below 1.0
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
    double multiplier, double jitter) {
  /** Three attempts, 200 ms growing by 2 up to 5 s, spread by ±50%. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5), 2.0, 0.5);
  /** One attempt: no retries. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofMillis(200), Duration.ofSeconds(5), 2.0, 0.5);

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max-attempts must be at least 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero()
        || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoffs must be positive with max-backoff >="
          + " initial-backoff, got " + initialBackoff + " and " + maxBackoff);
    }
    if (!(multiplier >= 1.0) || !(jitter >= 0.0 && jitter < 1.0)) {
      throw new IllegalArgumentException("multiplier must be at least 1.0 and jitter from 0.0 to"
          + " below 1.0, got " + multiplier + " and " + jitter);
    }
  }

  /** Whether a failed attempt may be followed by another. */
  public boolean retries() {
    return maxAttempts > 1;
  }
}
