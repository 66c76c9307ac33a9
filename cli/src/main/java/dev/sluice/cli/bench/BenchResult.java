package dev.sluice.cli.bench;

import dev.sluice.event.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured, after its warm-up.
 *
 * @param completed requests that got a result (of any status) or failed in the client
 * @param byStatus results per {@link Status} name, and {@value #CLIENT_EXCEPTION} for requests
 *     whose client failed instead of answering; only non-zero entries, in {@link Status} order
 * @param unfinished requests still without a result when the run gave up waiting for them
 * @param elapsed from the end of the warm-up to the last result
 * @param latency latency percentiles
 * @param concurrency requests kept in flight at most
 * @param connections clients the requests were spread over
 * @param targetRate the requested rate per second, or 0 for a closed loop (as fast as answered)
 * @param histogram the latencies in nanoseconds, for callers that want more than the summary
 */
public record BenchResult(long completed, Map<String, Long> byStatus, long unfinished,
    Duration elapsed, LatencySummary latency, int concurrency, int connections,
    double targetRate, Histogram histogram) {

  /** The {@link #byStatus} key of requests whose client threw or failed its stage. */
  public static final String CLIENT_EXCEPTION = "CLIENT_EXCEPTION";

  public BenchResult {
    byStatus = Map.copyOf(byStatus);
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(latency, "latency");
    histogram = histogram.copy();
  }

  /** Results with status {@code OK}. */
  public long ok() {
    return byStatus.getOrDefault(Status.OK.name(), 0L);
  }

  /** Requests that did not end {@code OK}, unfinished ones included. */
  public long errors() {
    return completed - ok() + unfinished;
  }

  /** Results per second over {@link #elapsed}. */
  public double throughput() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : completed / seconds;
  }

  /** A copy of the latency histogram (nanoseconds). */
  @Override
  public Histogram histogram() {
    return histogram.copy();
  }

  /** The summary as plain maps and numbers, in a stable order, for JSON output. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", completed);
    m.put("ok", ok());
    m.put("errors", errors());
    m.put("unfinished", unfinished);
    m.put("duration_s", round(elapsed.toNanos() / 1e9, 3));
    m.put("throughput_per_s", round(throughput(), 1));
    m.put("concurrency", concurrency);
    m.put("connections", connections);
    m.put("target_rate_per_s", targetRate > 0 ? targetRate : null);
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("p50", round(latency.p50(), 1));
    l.put("p90", round(latency.p90(), 1));
    l.put("p99", round(latency.p99(), 1));
    l.put("p99_9", round(latency.p999(), 1));
    l.put("max", round(latency.max(), 1));
    l.put("mean", round(latency.mean(), 1));
    m.put("latency_us", l);
    m.put("by_status", orderedStatuses());
    return m;
  }

  /** The human-readable summary {@code sluice bench} prints. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    String nl = System.lineSeparator();
    sb.append(String.format(Locale.ROOT, "requests     %d in %.2f s (%d connections, %d in flight%s)",
        completed, elapsed.toNanos() / 1e9, connections, concurrency,
        targetRate > 0 ? String.format(Locale.ROOT, ", target %.0f/s", targetRate) : ""))
        .append(nl);
    sb.append(String.format(Locale.ROOT, "throughput   %.1f req/s", throughput())).append(nl);
    sb.append("latency      p50 ").append(LatencySummary.formatMicros(latency.p50()))
        .append("  p90 ").append(LatencySummary.formatMicros(latency.p90()))
        .append("  p99 ").append(LatencySummary.formatMicros(latency.p99()))
        .append("  p99.9 ").append(LatencySummary.formatMicros(latency.p999()))
        .append("  max ").append(LatencySummary.formatMicros(latency.max())).append(nl);
    sb.append("results     ");
    orderedStatuses().forEach((status, count) -> sb.append(' ').append(status).append(' ')
        .append(count));
    if (unfinished > 0) {
      sb.append(" unfinished ").append(unfinished);
    }
    if (completed == 0 && unfinished == 0) {
      sb.append(" none");
    }
    return sb.append(nl).toString();
  }

  private Map<String, Long> orderedStatuses() {
    Map<String, Long> ordered = new LinkedHashMap<>();
    for (Status s : Status.values()) {
      Long n = byStatus.get(s.name());
      if (n != null && n > 0) {
        ordered.put(s.name(), n);
      }
    }
    Long exceptions = byStatus.get(CLIENT_EXCEPTION);
    if (exceptions != null && exceptions > 0) {
      ordered.put(CLIENT_EXCEPTION, exceptions);
    }
    return ordered;
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
