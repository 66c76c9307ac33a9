package dev.sluice.cli.bench;

import java.time.Duration;

/**
 * A snapshot of a running load test, reported about once per progress interval.
 *
 * @param elapsed time since the run started (warm-up included)
 * @param ratePerSecond results received per second during the last interval
 * @param completed results received so far (warm-up included)
 * @param errors results other than {@code OK} so far, after the warm-up
 * @param p99Micros the 99th percentile latency of the last interval in microseconds, or
 *     {@code NaN} when nothing was measured in it (for example during the warm-up)
 * @param warmingUp whether the run is still in its warm-up
 */
public record Progress(Duration elapsed, double ratePerSecond, long completed, long errors,
    double p99Micros, boolean warmingUp) {

  /** {@code "12s  48211 req/s  errors 0  p99 1.92 ms"}, as {@code sluice bench} prints it. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(java.util.Locale.ROOT, "%4ds %9.0f req/s  errors %d  ",
        elapsed.toSeconds(), ratePerSecond, errors));
    if (warmingUp) {
      sb.append("(warming up)");
    } else if (Double.isNaN(p99Micros)) {
      sb.append("p99 -");
    } else {
      sb.append("p99 ").append(LatencySummary.formatMicros(p99Micros));
    }
    return sb.toString();
  }
}
