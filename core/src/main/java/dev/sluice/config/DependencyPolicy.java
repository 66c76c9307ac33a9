package dev.sluice.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How calls to an outbound dependency (the event store, a broker publisher) are bounded: each
 * call fails with {@code UNAVAILABLE} after {@code callTimeout}, and the breaker refuses calls at
 * once while the dependency keeps failing.
 *
 * @param callTimeout how long one call may take before it counts as failed
 * @param breaker the dependency's circuit breaker
 */
public record DependencyPolicy(Duration callTimeout, BreakerPolicy breaker) {
  /** A 1.5 s call timeout, so callers hear {@code UNAVAILABLE} within 2 s. */
  public static final DependencyPolicy DEFAULT =
      new DependencyPolicy(Duration.ofMillis(1500), BreakerPolicy.DEPENDENCY_DEFAULT);

  public DependencyPolicy {
    Objects.requireNonNull(callTimeout, "callTimeout");
    Objects.requireNonNull(breaker, "breaker");
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("call-timeout must be longer than 0s");
    }
  }
}
