package dev.sluice.benchmarks;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.services.InMemoryEventStore;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the in-memory idempotency window costs per event (an admission and a completion, as
 * {@code store.durability: memory} does for each new event), with the window's default size
 * (100 000 results) and with a window small enough to stay in the CPU's caches, the two taking
 * turns round by round in one JVM so that the host's drift hits both alike. The difference is
 * what cache misses cost: the default window's records and index are megabytes, and each event
 * touches a few random places in them.
 *
 * <p>{@code java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * dev.sluice.benchmarks.StoreWindowCost [rounds]} (default 20) prints each round and the median
 * nanoseconds per event of the second half of the rounds for each size.
 */
public final class StoreWindowCost {
  private static final int DEFAULT_WINDOW = 100_000;
  private static final int CACHED_WINDOW = 1_024;
  private static final int EVENTS_PER_ROUND = 1_000_000;
  /** Distinct events, reused in turn: many more than the window, so every one is new to it. */
  private static final int POOL = 1 << 20;

  private StoreWindowCost() {
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    byte[] data = InlinePathCpu.DATA;
    Event[] events = new Event[POOL];
    Result[] results = new Result[POOL];
    for (int i = 0; i < POOL; i++) {
      events[i] = Event.builder().id(String.format("0f8fad5b-d9cb-469f-a165-%012d", i))
          .source("urn:sluice:bench:client-1").type("example.echo")
          .data(data, "application/json").build();
      results[i] = Result.ok(events[i].id(), data, "application/json");
    }
    long retention = 3_600_000;
    InMemoryEventStore large = new InMemoryEventStore(Clock.systemUTC(), retention,
        DEFAULT_WINDOW);
    InMemoryEventStore cached = new InMemoryEventStore(Clock.systemUTC(), retention,
        CACHED_WINDOW);
    double[] largeNs = new double[rounds];
    double[] cachedNs = new double[rounds];
    int next = 0;
    for (int round = 0; round < rounds; round++) {
      largeNs[round] = round(large, events, results, next);
      next += EVENTS_PER_ROUND;
      cachedNs[round] = round(cached, events, results, next);
      next += EVENTS_PER_ROUND;
      System.out.printf(Locale.ROOT, "round %2d: window %d %6.1f ns/event, window %d %6.1f%n",
          round + 1, DEFAULT_WINDOW, largeNs[round], CACHED_WINDOW, cachedNs[round]);
    }
    System.out.printf(Locale.ROOT,
        "median of rounds %d to %d: window %d %.1f ns/event, window %d %.1f ns/event%n",
        rounds / 2 + 1, rounds, DEFAULT_WINDOW, secondHalfMedian(largeNs), CACHED_WINDOW,
        secondHalfMedian(cachedNs));
  }

  private static double round(InMemoryEventStore store, Event[] events, Result[] results,
      int first) {
    long start = System.nanoTime();
    for (int n = 0; n < EVENTS_PER_ROUND; n++) {
      int i = (first + n) & (POOL - 1);
      store.admit(events[i]);
      store.complete(events[i].key(), results[i]);
    }
    return (System.nanoTime() - start) / (double) EVENTS_PER_ROUND;
  }

  private static double secondHalfMedian(double[] values) {
    double[] half = Arrays.copyOfRange(values, values.length / 2, values.length);
    Arrays.sort(half);
    return half[half.length / 2];
  }
}
