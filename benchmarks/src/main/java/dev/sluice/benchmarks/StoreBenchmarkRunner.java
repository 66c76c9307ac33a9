package dev.sluice.benchmarks;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the store comparisons in one run (JMH's usual options pass through), then prints the
 * durable path against the raw JDBC loop per database and the store's locks against
 * {@code GET_LOCK}/{@code RELEASE_LOCK}. It reports; it does not gate.
 */
public final class StoreBenchmarkRunner {
  static final double MIN_DURABLE_RATIO = 0.8;
  private static final String DURABLE = "dev.sluice.benchmarks.DurableEventsBenchmark.";
  private static final String LOCKS = "dev.sluice.benchmarks.LockBenchmark.";

  private StoreBenchmarkRunner() {
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
    ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
    if (cmd.getIncludes().isEmpty()) {
      options.include("dev\\.sluice\\.benchmarks\\.(DurableEvents|Lock)Benchmark\\.");
    }
    summarize(new Runner(options.build()).run(), System.out);
  }

  static void summarize(Collection<RunResult> results, PrintStream out) {
    out.println();
    out.println("Store summary");
    for (String db : new String[] {"h2", "mariadb"}) {
      RunResult raw = find(results, DURABLE + "raw", db);
      RunResult store = find(results, DURABLE + "store", db);
      if (raw != null && store != null) {
        double r = score(raw);
        double s = score(store);
        out.printf(Locale.ROOT, "durable events on %s: store %,.0f/s vs raw JDBC loop %,.0f/s ="
                + " %.2fx (target >= %.2fx: %s)%n", db, s, r, s / r, MIN_DURABLE_RATIO,
            s / r >= MIN_DURABLE_RATIO ? "met" : "MISSED");
      }
    }
    RunResult getLock = find(results, LOCKS + "getLock", null);
    RunResult store = find(results, LOCKS + "store", null);
    if (getLock != null && store != null) {
      out.printf(Locale.ROOT, "locks on mariadb: store acquire+release %,.0f/s vs GET_LOCK+"
          + "RELEASE_LOCK %,.0f/s = %.2fx (reported, no target)%n", score(store),
          score(getLock), score(store) / score(getLock));
    }
  }

  private static RunResult find(Collection<RunResult> results, String benchmark, String db) {
    for (RunResult r : results) {
      if (r.getParams().getBenchmark().equals(benchmark)
          && (db == null || db.equals(r.getParams().getParam("db")))) {
        return r;
      }
    }
    return null;
  }

  private static double score(RunResult r) {
    return r.getPrimaryResult().getScore();
  }
}
