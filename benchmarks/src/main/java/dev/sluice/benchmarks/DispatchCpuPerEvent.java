package dev.sluice.benchmarks;

import dev.sluice.event.Result;
import dev.sluice.internal.dispatch.Dispatcher;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The throughput comparison's two sides again, measured by the CPU time each thread spends per
 * event (from {@link ThreadMXBean}) rather than by wall-clock rate. On a shared machine the rate
 * swings with how the scheduler treats the two threads, while CPU time per event stays close to
 * the work each side does; the side with more CPU per event bounds the rate.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.DispatchCpuPerEvent
 * [rounds] [seconds]} runs the hand-off and Sluice alternately (default 4 rounds of 3 s each)
 * and prints one line per run; ignore the first round or two (warm-up).
 */
public final class DispatchCpuPerEvent {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private DispatchCpuPerEvent() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    long nanos = TimeUnit.SECONDS.toNanos(args.length > 1 ? Long.parseLong(args[1]) : 3);
    for (int round = 1; round <= rounds; round++) {
      run("hand-off", round, nanos, false);
      run("sluice", round, nanos, true);
    }
  }

  private static void run(String name, int round, long nanos, boolean sluice) throws Exception {
    Semaphore window = new Semaphore(DispatchThroughputBenchmark.WINDOW);
    BiConsumer<Result, Throwable> release = (r, t) -> {
      if (r == null || !r.isOk()) {
        throw new IllegalStateException("not answered OK: " + r);
      }
      window.release();
    };
    FutureHandOff handOff = null;
    Dispatcher dispatcher = null;
    Thread consumer;
    if (sluice) {
      dispatcher = DispatchFixture.startDispatcher("simple");
      consumer = thread("sluice-noop-0");
    } else {
      handOff = new FutureHandOff();
      handOff.start();
      consumer = thread("handoff-consumer");
    }
    Instant deadline = DispatchFixture.farDeadline();
    long events = 0;
    long consumerCpu0 = THREADS.getThreadCpuTime(consumer.getId());
    long producerCpu0 = THREADS.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long end = start + nanos;
    while (System.nanoTime() - end < 0) {
      for (int i = 0; i < 1000; i++) {
        window.acquire();
        if (sluice) {
          dispatcher.submit(DispatchFixture.EVENT, deadline).whenComplete(release);
        } else {
          FutureHandOff.Pending pending = new FutureHandOff.Pending(DispatchFixture.EVENT);
          handOff.queue.put(pending);
          pending.whenComplete(release);
        }
      }
      events += 1000;
    }
    long elapsed = System.nanoTime() - start;
    long producerCpu = THREADS.getCurrentThreadCpuTime() - producerCpu0;
    long consumerCpu = THREADS.getThreadCpuTime(consumer.getId()) - consumerCpu0;
    window.acquire(DispatchThroughputBenchmark.WINDOW);
    if (sluice) {
      dispatcher.drain(Duration.ofSeconds(5));
    } else {
      handOff.stop();
    }
    System.out.printf(Locale.ROOT, "round %d %-8s %6.2f Mops/s; CPU per event: producer %4.0f ns"
            + " (busy %3.0f%%), consumer %4.0f ns (busy %3.0f%%)%n", round, name,
        events * 1e3 / elapsed, producerCpu / (double) events, 100.0 * producerCpu / elapsed,
        consumerCpu / (double) events, 100.0 * consumerCpu / elapsed);
  }

  private static Thread thread(String name) {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        return t;
      }
    }
    throw new IllegalStateException("no thread named " + name);
  }
}
