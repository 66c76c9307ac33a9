package dev.sluice.benchmarks;

import dev.sluice.engine.DrainReport;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.dispatch.Dispatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One producer (the JMH thread) hands no-op events to one consumer thread, with at most
 * {@link #WINDOW} in flight. Every variant has the same structure: the producer takes a permit
 * per event, hands the event over, and observes its answer through a future whose callback
 * gives the permit back and counts any answer that is not OK.
 *
 * <ul>
 *   <li>{@code handOff}, the baseline: the {@link FutureHandOff} queue, an
 *       {@code ArrayBlockingQueue(1024)} carrying each event with its future; one consumer
 *       thread takes each, runs the no-op processor and completes the future.
 *   <li>{@code sluice}: {@link Dispatcher#submit(Event, Instant)} to a lane of concurrency 1 and
 *       queue capacity 1024.
 *   <li>{@code handOffNoAnswer}, for reference: the same queue carrying only the event; the
 *       consumer releases the permit itself, so the producer never learns the answer. This was
 *       the baseline until 2026-11-27; it leaves out the future that any dispatcher which answers
 *       each event must complete, so it is not like for like (see docs/benchmarks.md).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class DispatchThroughputBenchmark {
  static final int WINDOW = 1024;

  @Benchmark
  public void handOff(FutureHandOff q, Window w) throws InterruptedException {
    w.permits.acquire();
    FutureHandOff.Pending pending = new FutureHandOff.Pending(w.event);
    q.queue.put(pending);
    pending.whenComplete(w.release);
  }

  @Benchmark
  public void sluice(Sluice s, Window w) throws InterruptedException {
    w.permits.acquire();
    s.dispatcher.submit(w.event, s.deadline).whenComplete(w.release);
  }

  @Benchmark
  public void handOffNoAnswer(HandOffNoAnswer s) throws InterruptedException {
    s.window.acquire();
    s.queue.put(s.event);
  }

  /**
   * The in-flight window and the answer callback, the same for the baseline and Sluice. Each
   * benchmark method gets its own instance (JMH runs them one after the other).
   */
  @State(Scope.Benchmark)
  public static class Window {
    final Event event = DispatchFixture.EVENT;
    final Semaphore permits = new Semaphore(WINDOW);
    final LongAdder notOk = new LongAdder();
    /** Allocated once, so the producer's only per-event allocations are the hand-off's own. */
    final BiConsumer<Result, Throwable> release = (r, t) -> {
      if (r == null || !r.isOk()) {
        notOk.increment();
      }
      permits.release();
    };

    @TearDown(Level.Trial)
    public void check() {
      // A rejected event (OVERLOADED, TIMEOUT) is answered without a hand-off, so counting it
      // would flatter the figure: fail the run instead.
      if (notOk.sum() != 0) {
        throw new IllegalStateException(notOk.sum() + " events were not answered OK;"
            + " the figure is not valid");
      }
    }
  }

  /** Reference: a bounded queue between two threads, with no answer to the producer. */
  @State(Scope.Benchmark)
  public static class HandOffNoAnswer {
    final Event event = DispatchFixture.EVENT;
    final Semaphore window = new Semaphore(WINDOW);
    final ArrayBlockingQueue<Object> queue =
        new ArrayBlockingQueue<>(DispatchFixture.QUEUE_CAPACITY);
    /** A plain field, so the result escapes as it does into a future. */
    Result last;
    private Thread consumer;

    @Setup(Level.Trial)
    public void start() {
      consumer = DispatchFixture.startConsumer("handoff-consumer", () -> {
        Object item = queue.take();
        last = DispatchFixture.process((Event) item);
        window.release();
      });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      DispatchFixture.stop(consumer);
    }
  }

  /** Sluice's dispatcher with one lane of one worker. */
  @State(Scope.Benchmark)
  public static class Sluice {
    /** {@code simple}: meters as a server has them; {@code denied}: all meters are no-ops. */
    @Param({"simple"})
    public String metrics;

    Instant deadline;
    Dispatcher dispatcher;

    @Setup(Level.Trial)
    public void start() {
      deadline = DispatchFixture.farDeadline();
      dispatcher = DispatchFixture.startDispatcher(metrics);
    }

    @TearDown(Level.Trial)
    public void stop() {
      DrainReport report = dispatcher.drain(Duration.ofSeconds(5));
      if (!report.abandonedEventIds().isEmpty()) {
        throw new IllegalStateException(report.abandonedEventIds().size()
            + " events were abandoned; the figure is not valid");
      }
    }
  }
}
