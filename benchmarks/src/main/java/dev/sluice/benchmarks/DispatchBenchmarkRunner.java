package dev.sluice.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs the dispatch comparisons with JMH's usual command-line options (so {@code -rf json -rff
 * FILE}, {@code -wi}, {@code -i}, {@code -p metrics=simple,denied} ... all work), then prints one
 * line per comparison: Sluice's throughput as a fraction of the hand-off's, and what Sluice adds
 * to the round trip at p99. Without a benchmark pattern it runs both Dispatch benchmarks.
 *
 * <p>It reports; it does not gate: the exit status is JMH's, whether or not a target is met.
 */
public final class DispatchBenchmarkRunner {
  static final double MIN_THROUGHPUT_RATIO = 0.8;
  static final double MAX_ADDED_P99_MICROS = 20.0;

  private static final String PACKAGE = "dev.sluice.benchmarks.";
  private static final String THROUGHPUT = PACKAGE + "DispatchThroughputBenchmark.";
  private static final String LATENCY = PACKAGE + "DispatchLatencyBenchmark.";

  private DispatchBenchmarkRunner() {
  }

  public static void main(String[] args) throws Exception {
    CommandLineOptions cmd;
    try {
      cmd = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (cmd.shouldHelp()) {
      cmd.showHelp();
      return;
    }
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
    if (cmd.getIncludes().isEmpty()) {
      options.include("dev\\.sluice\\.benchmarks\\.Dispatch(Throughput|Latency)Benchmark\\.");
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    summarize(results, System.out);
  }

  static void summarize(Collection<RunResult> results, PrintStream out) {
    out.println();
    out.println("Dispatch overhead summary");
    RunResult throughputBase = find(results, THROUGHPUT + "handOff", Mode.Throughput);
    for (RunResult sluice : findAll(results, THROUGHPUT + "sluice", Mode.Throughput)) {
      if (throughputBase == null) {
        break;
      }
      double base = opsPerSecond(throughputBase);
      double ours = opsPerSecond(sluice);
      double ratio = ours / base;
      out.printf(Locale.ROOT, "throughput%s: sluice %,.0f ops/s vs hand-off %,.0f ops/s = %.2fx"
              + " (target >= %.2fx: %s)%n", label(sluice), ours, base, ratio,
          MIN_THROUGHPUT_RATIO, ratio >= MIN_THROUGHPUT_RATIO ? "met" : "MISSED");
    }
    RunResult noAnswer = find(results, THROUGHPUT + "handOffNoAnswer", Mode.Throughput);
    if (noAnswer != null) {
      double raw = opsPerSecond(noAnswer);
      out.printf(Locale.ROOT, "throughput reference: hand-off without an answer %,.0f ops/s;"
          + " the hand-off is %.2fx of it", raw,
          throughputBase == null ? Double.NaN : opsPerSecond(throughputBase) / raw);
      for (RunResult sluice : findAll(results, THROUGHPUT + "sluice", Mode.Throughput)) {
        out.printf(Locale.ROOT, ", sluice%s %.2fx", label(sluice), opsPerSecond(sluice) / raw);
      }
      out.println();
    }
    RunResult latencyBase = find(results, LATENCY + "handOff", Mode.SampleTime);
    RunResult replyQueue = find(results, LATENCY + "handOffReplyQueue", Mode.SampleTime);
    for (RunResult sluice : findAll(results, LATENCY + "sluice", Mode.SampleTime)) {
      if (latencyBase == null) {
        break;
      }
      double added = micros(sluice, 99.0) - micros(latencyBase, 99.0);
      out.printf(Locale.ROOT, "latency%s: min/p50/p99/p99.9 sluice %s us vs hand-off %s us;"
              + " p99 %+.1f us (target <= %.0f us: %s)%n", label(sluice),
          percentiles(sluice), percentiles(latencyBase), added, MAX_ADDED_P99_MICROS,
          added <= MAX_ADDED_P99_MICROS ? "met" : "MISSED");
    }
    if (replyQueue != null) {
      out.printf(Locale.ROOT, "latency reference: reply-queue hand-off min/p50/p99/p99.9 %s us%n",
          percentiles(replyQueue));
    }
    if (throughputBase == null && latencyBase == null) {
      out.println("(no complete pair of dispatch benchmarks in this run)");
    }
  }

  private static RunResult find(Collection<RunResult> results, String benchmark, Mode mode) {
    List<RunResult> found = findAll(results, benchmark, mode);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<RunResult> findAll(Collection<RunResult> results, String benchmark,
      Mode mode) {
    List<RunResult> found = new ArrayList<>();
    for (RunResult r : results) {
      BenchmarkParams p = r.getParams();
      if (p.getBenchmark().equals(benchmark) && p.getMode() == mode) {
        found.add(r);
      }
    }
    return found;
  }

  private static String label(RunResult r) {
    String metrics = r.getParams().getParam("metrics");
    return metrics == null ? "" : " [metrics=" + metrics + "]";
  }

  /** The score is in operations per output time unit. */
  private static double opsPerSecond(RunResult r) {
    double unitsPerSecond = TimeUnit.SECONDS.toNanos(1)
        / (double) r.getParams().getTimeUnit().toNanos(1);
    return r.getPrimaryResult().getScore() * unitsPerSecond;
  }

  /** Sample times are in the output time unit per operation. */
  private static double micros(RunResult r, double percentile) {
    Statistics stats = r.getPrimaryResult().getStatistics();
    return stats.getPercentile(percentile) * r.getParams().getTimeUnit().toNanos(1) / 1_000.0;
  }

  private static String percentiles(RunResult r) {
    return String.format(Locale.ROOT, "%.1f/%.1f/%.1f/%.1f", micros(r, 0.0), micros(r, 50.0),
        micros(r, 99.0), micros(r, 99.9));
  }
}
