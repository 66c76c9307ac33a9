package dev.sluice.cli.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of a run, in microseconds. With a target rate the latencies are measured
 * from each request's intended send time, so a stalled server shows up in them (no coordinated
 * omission); without one, from the actual send time.
 */
public record LatencySummary(double p50, double p90, double p99, double p999, double max,
    double mean) {

  private static final double NANOS_PER_MICRO = 1_000.0;

  /** Reads the percentiles of a histogram recorded in nanoseconds. */
  public static LatencySummary of(Histogram nanos) {
    if (nanos.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(
        micros(nanos.getValueAtPercentile(50)),
        micros(nanos.getValueAtPercentile(90)),
        micros(nanos.getValueAtPercentile(99)),
        micros(nanos.getValueAtPercentile(99.9)),
        micros(nanos.getMaxValue()),
        nanos.getMean() / NANOS_PER_MICRO);
  }

  private static double micros(long nanos) {
    return nanos / NANOS_PER_MICRO;
  }

  /** {@code 850 us}, {@code 1.92 ms} or {@code 2.31 s}: readable at any scale. */
  public static String formatMicros(double micros) {
    if (micros < 1_000) {
      return String.format(Locale.ROOT, "%.0f us", micros);
    }
    if (micros < 1_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", micros / 1_000);
    }
    return String.format(Locale.ROOT, "%.2f s", micros / 1_000_000);
  }
}
