package dev.sluice.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A circuit breaker's settings: the {@code circuit-breaker} section of a {@code processors[]}
 * entry, and of {@code resilience.store} and {@code resilience.outbound}.
 *
 * <p>The breaker counts the outcomes of the last {@code slidingWindow} calls. Once at least
 * {@code minimumCalls} are counted and {@code failureRateThreshold} percent of them failed, it
 * opens: calls are refused at once with {@code UNAVAILABLE}. After {@code waitInOpen} it
 * half-opens and lets {@code halfOpenCalls} calls through; if few enough of them fail it closes,
 * otherwise it opens again.
 *
 * @param enabled false to never refuse a call
 * @param failureRateThreshold the failure percentage (above 0, at most 100) that opens it
 * @param minimumCalls calls counted before the rate is judged
 * @param slidingWindow how many of the latest calls are counted
 * @param waitInOpen how long it stays open before letting trial calls through
 * @param halfOpenCalls how many trial calls decide whether it closes again
 */
public record BreakerPolicy(boolean enabled, double failureRateThreshold, int minimumCalls,
    int slidingWindow, Duration waitInOpen, int halfOpenCalls) {
  /** For processors: 50% of the last 50 calls (at least 20), 10 s open, 5 trial calls. */
  public static final BreakerPolicy DEFAULT =
      new BreakerPolicy(true, 50.0, 20, 50, Duration.ofSeconds(10), 5);
  /** For the store and broker publishers: 50% of the last 20 calls (at least 10), 5 s open. */
  public static final BreakerPolicy DEPENDENCY_DEFAULT =
      new BreakerPolicy(true, 50.0, 10, 20, Duration.ofSeconds(5), 3);
  /** Never opens. */
  public static final BreakerPolicy DISABLED =
      new BreakerPolicy(false, 50.0, 20, 50, Duration.ofSeconds(10), 5);

  public BreakerPolicy {
    Objects.requireNonNull(waitInOpen, "waitInOpen");
    if (!(failureRateThreshold > 0.0 && failureRateThreshold <= 100.0)) {
      throw new IllegalArgumentException("failure-rate-threshold must be above 0 and at most"
          + " 100, got " + failureRateThreshold);
    }
    if (minimumCalls < 1 || slidingWindow < 1 || halfOpenCalls < 1) {
      throw new IllegalArgumentException("minimum-calls, sliding-window and half-open-calls must"
          + " be at least 1");
    }
    if (minimumCalls > slidingWindow) {
      throw new IllegalArgumentException("minimum-calls (" + minimumCalls + ") must not be more"
          + " than sliding-window (" + slidingWindow + ")");
    }
    if (waitInOpen.isNegative() || waitInOpen.isZero()) {
      throw new IllegalArgumentException("wait-in-open must be longer than 0s");
    }
  }
}
