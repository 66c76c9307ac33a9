package dev.sluice.benchmarks;

import dev.sluice.engine.DrainReport;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.dispatch.Dispatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
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
 * {@link #WINDOW} in flight. Both sides use the same window: the producer takes a permit per
 * event, the consumer side gives it back once the event is done.
 *
 * <ul>
 *   <li>{@code handOff}: a raw {@code ArrayBlockingQueue<Object>(1024)} drained by one thread
 *       that runs the no-op processor, then releases the permit.
 *   <li>{@code sluice}: {@link Dispatcher#submit(Event, Instant)} to a lane of concurrency 1 and
 *       queue capacity 1024; the permit is released in {@code whenComplete} of the result.
 *   <li>{@code handOffFuture}, for reference: the same queue carrying a {@code CompletableFuture}
 *       per event that the consumer completes and whose {@code whenComplete} releases the permit,
 *       i.e. the hand-off plus the cost of Sluice's API shape, without the dispatcher.
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
  public void handOff(HandOff s) throws InterruptedException {
    s.window.acquire();
    s.queue.put(s.event);
  }

  @Benchmark
  public void handOffFuture(FutureHandOff q, HandOffFuture s) throws InterruptedException {
    s.window.acquire();
    CompletableFuture<Result> answer = new CompletableFuture<>();
    q.queue.put(answer);
    answer.whenComplete(s.release);
  }

  @Benchmark
  public void sluice(Sluice s) throws InterruptedException {
    s.window.acquire();
    s.dispatcher.submit(s.event, s.deadline).whenComplete(s.release);
  }

  /** The baseline: a bounded queue between two threads. */
  @State(Scope.Benchmark)
  public static class HandOff {
    final Event event = DispatchFixture.EVENT;
    final Semaphore window = new Semaphore(WINDOW);
    final ArrayBlockingQueue<Object> queue =
        new ArrayBlockingQueue<>(DispatchFixture.QUEUE_CAPACITY);
    /** A plain field, so the result escapes as it does into Sluice's future. */
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

  /** Reference: the {@link FutureHandOff} queue, within the same window as the others. */
  @State(Scope.Benchmark)
  public static class HandOffFuture {
    final Semaphore window = new Semaphore(WINDOW);
    final BiConsumer<Result, Throwable> release = (r, t) -> window.release();
  }

  /** Sluice's dispatcher with one lane of one worker. */
  @State(Scope.Benchmark)
  public static class Sluice {
    /** {@code simple}: meters as a server has them; {@code denied}: all meters are no-ops. */
    @Param({"simple"})
    public String metrics;

    final Event event = DispatchFixture.EVENT;
    final Semaphore window = new Semaphore(WINDOW);
    final LongAdder notOk = new LongAdder();
    /** Allocated once, so the producer's only per-event allocations are Sluice's own. */
    final BiConsumer<Result, Throwable> release = (r, t) -> {
      if (r == null || !r.isOk()) {
        notOk.increment();
      }
      window.release();
    };
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
      // A rejected event (OVERLOADED, TIMEOUT) is answered without a hand-off, so counting it
      // would flatter the figure: fail the run instead.
      if (notOk.sum() != 0 || !report.abandonedEventIds().isEmpty()) {
        throw new IllegalStateException(notOk.sum() + " events were not answered OK and "
            + report.abandonedEventIds().size() + " were abandoned; the figure is not valid");
      }
    }
  }
}
