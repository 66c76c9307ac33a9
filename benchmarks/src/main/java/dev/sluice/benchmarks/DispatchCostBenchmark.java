package dev.sluice.benchmarks;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.slf4j.MDC;

/**
 * Where a dispatched event's time goes, on one thread: each method repeats one step that the
 * dispatcher adds per event on top of a plain queue hand-off (see {@code ProcessorLane.submit},
 * {@code runBlocking} and {@code LaneMetrics.record}). Single-threaded, so it shows the work, not
 * the cache-line traffic between producer and worker. Not part of the default dispatch run:
 * {@code java -jar benchmarks/target/benchmarks.jar DispatchCostBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DispatchCostBenchmark {
  private final Event event = DispatchFixture.EVENT;
  private final Instant deadline = DispatchFixture.farDeadline();
  private final LongAdder ok = new LongAdder();
  private final LongAdder timed = new LongAdder();
  private final LongAdder timedNanos = new LongAdder();
  private final ClassLoader loader = DispatchFixture.class.getClassLoader();
  private final Object monitor = new Object();
  private final BiConsumer<Result, Throwable> callback = (r, t) -> { };
  private final Result result = Result.ok(event.id());

  /** The processor itself, which both sides of the comparison run. */
  @Benchmark
  public Result noopProcessor() {
    return DispatchFixture.process(event);
  }

  /** {@code Dispatcher.submit}: nanoTime plus the remaining time to an {@code Instant}. */
  @Benchmark
  public long deadlineArithmetic() {
    long now = System.nanoTime();
    return now + (deadline.toEpochMilli() - System.currentTimeMillis()) * 1_000_000L;
  }

  /** The answer: a future per task, completed by the worker, plus the caller's callback. */
  @Benchmark
  public CompletableFuture<Result> futureAndCallback() {
    CompletableFuture<Result> f = new CompletableFuture<>();
    CompletableFuture<Result> chained = f.whenComplete(callback);
    f.complete(result);
    return chained;
  }

  /** {@code LaneMetrics.record}: a counter and a timer, with the two nanoTime reads. */
  @Benchmark
  public void meters() {
    long started = System.nanoTime();
    ok.increment();
    timed.increment();
    timedNanos.add(System.nanoTime() - started);
  }

  /** {@code runBlocking}: the event id and type in the MDC around the processor. */
  @Benchmark
  public void mdc() {
    MDC.put("event.id", event.id());
    MDC.put("event.type", event.type());
    MDC.remove("event.id");
    MDC.remove("event.type");
  }

  /** {@code runBlocking}: the plugin's class loader as context class loader, then restored. */
  @Benchmark
  public void contextClassLoader() {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    thread.setContextClassLoader(previous);
  }

  /** {@code Worker.begin} and {@code end}: two monitor enters and the interrupt clear. */
  @Benchmark
  public boolean workerMonitors(Blackhole bh) {
    synchronized (monitor) {
      bh.consume(monitor);
    }
    synchronized (monitor) {
      bh.consume(monitor);
    }
    return Thread.interrupted();
  }
}
