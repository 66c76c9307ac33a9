package dev.sluice.benchmarks;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.services.InMemoryEventStore;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;

/**
 * What the in-memory idempotency store costs per event when several threads use it at once, as
 * a server's event loops do: each thread admits and completes new events of its own (as
 * {@code store.durability: memory} does for each), with the default window (100 000 results),
 * in rounds that all threads start together. Printed: each round's nanoseconds per event (the
 * round's time over each thread's events), and the median of the second half of the rounds.
 *
 * <p>With {@code separate}, each thread has a store of its own: the difference from one shared
 * store is what the threads cost each other through it, in locks and in cache lines that move
 * between cores.
 *
 * <p>{@code java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar
 * dev.sluice.benchmarks.StoreContention [threads] [rounds] [shared|separate]} (default: as many
 * threads as cores, 20 rounds, shared).
 */
public final class StoreContention {
  private static final int WINDOW = 100_000;
  private static final int EVENTS_PER_ROUND = 1_000_000;
  /** Distinct events per thread, reused in turn: many more than the window. */
  private static final int POOL = 1 << 19;

  private StoreContention() {
  }

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0])
        : Runtime.getRuntime().availableProcessors();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    boolean separate = args.length > 2 && args[2].equals("separate");
    if (args.length > 2 && !separate && !args[2].equals("shared")) {
      throw new IllegalArgumentException("the third argument is 'shared' or 'separate', not '"
          + args[2] + "'");
    }
    InMemoryEventStore shared = new InMemoryEventStore(Clock.systemUTC(), 3_600_000, WINDOW);
    double[] nanos = new double[rounds];
    CyclicBarrier start = new CyclicBarrier(threads + 1);
    CyclicBarrier end = new CyclicBarrier(threads + 1);
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      Event[] events = new Event[POOL];
      Result[] results = new Result[POOL];
      for (int i = 0; i < POOL; i++) {
        events[i] = Event.builder().id(String.format("0f8fad5b-d9cb-%04d-a165-%012d", t, i))
            .source("urn:sluice:bench:client-" + t).type("example.echo")
            .data(InlinePathCpu.DATA, "application/json").build();
        results[i] = Result.ok(events[i].id(), InlinePathCpu.DATA, "application/json");
      }
      InMemoryEventStore store = separate
          ? new InMemoryEventStore(Clock.systemUTC(), 3_600_000, WINDOW) : shared;
      workers[t] = new Thread(() -> {
        int next = 0;
        try {
          for (int round = 0; round < rounds; round++) {
            start.await();
            for (int n = 0; n < EVENTS_PER_ROUND; n++) {
              int i = next++ & (POOL - 1);
              store.admit(events[i]);
              store.complete(events[i].key(), results[i]);
            }
            end.await();
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "store-contention-" + t);
      workers[t].start();
    }
    for (int round = 0; round < rounds; round++) {
      start.await();
      long began = System.nanoTime();
      end.await();
      nanos[round] = (System.nanoTime() - began) / (double) EVENTS_PER_ROUND;
      System.out.printf(Locale.ROOT, "round %2d: %d threads, %s, %6.1f ns/event on each%n",
          round + 1, threads, separate ? "separate stores" : "one store", nanos[round]);
    }
    for (Thread w : workers) {
      w.join();
    }
    double[] half = Arrays.copyOfRange(nanos, rounds / 2, rounds);
    Arrays.sort(half);
    System.out.printf(Locale.ROOT, "median of rounds %d to %d: %d threads, %s, %.1f ns/event on"
        + " each%n", rounds / 2 + 1, rounds, threads, separate ? "separate stores" : "one store",
        half[half.length / 2]);
  }
}
