package dev.sluice.benchmarks;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
import org.slf4j.MDC;

/**
 * Where a dispatched event's time goes, on one thread: each method repeats one step that the
 * dispatcher adds per event on top of a plain queue hand-off (see {@code Dispatcher.submit},
 * {@code ProcessorLane.workLoop} and {@code runBlocking}). Single-threaded, so it shows the
 * work, not the cache-line traffic between producer and worker. Not part of the default dispatch
 * run: {@code java -jar benchmarks/target/benchmarks.jar DispatchCostBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DispatchCostBenchmark {
  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

  private final Event event = DispatchFixture.EVENT;
  private final Instant deadline = DispatchFixture.farDeadline();
  private final long wallMillis = System.currentTimeMillis();
  private final long offsetNanos = System.nanoTime() - wallMillis * 1_000_000L;
  private final long[] counts = new long[4];
  private final ClassLoader loader = DispatchFixture.class.getClassLoader();
  private final AtomicReference<Object> current = new AtomicReference<>();
  private final Object task = new Object();
  private final BiConsumer<Result, Throwable> callback = (r, t) -> { };
  private final Result result = Result.ok(event.id());

  /** The processor itself, which both sides of the comparison run. */
  @Benchmark
  public Result noopProcessor() {
    return DispatchFixture.process(event);
  }

  /** {@code Dispatcher.submit}: the deadline against the watchdog's wall-clock reading. */
  @Benchmark
  public long deadlineArithmetic() {
    long remaining = deadline.toEpochMilli() - wallMillis;
    return (wallMillis + Math.min(remaining, 86_400_000L)) * 1_000_000L + offsetNanos;
  }

  /** The answer: a future per task, completed by the worker, plus the caller's callback. */
  @Benchmark
  public CompletableFuture<Result> futureAndCallback() {
    CompletableFuture<Result> f = new CompletableFuture<>();
    CompletableFuture<Result> chained = f.whenComplete(callback);
    f.complete(result);
    return chained;
  }

  /**
   * One clock read: what a worker paid per event before it stamped starts from the watchdog's
   * tick clock; now one per run of events (at most 64, or a millisecond).
   */
  @Benchmark
  public long clockRead() {
    return System.nanoTime();
  }

  /** {@code Worker.countAnswered} and {@code countTime}: three single-writer opaque stores. */
  @Benchmark
  public void meters() {
    COUNT.setOpaque(counts, 0, counts[0] + 1);
    COUNT.setOpaque(counts, 1, counts[1] + 1);
    COUNT.setOpaque(counts, 2, counts[2] + 17);
  }

  /**
   * The event id and type put in the MDC: what a worker paid per event before; with Logback it
   * is now paid per log line on a worker thread, and per event only with other providers.
   */
  @Benchmark
  public void mdc() {
    MDC.put("event.id", event.id());
    MDC.put("event.type", event.type());
  }

  /** {@code runBlocking}: the plugin's class loader as context class loader, then restored. */
  @Benchmark
  public void contextClassLoader() {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    thread.setContextClassLoader(previous);
  }

  /** {@code Worker.begin} and {@code end}: a release store, a compare-and-set, the interrupt
   * clear. */
  @Benchmark
  public boolean workerHandOver() {
    current.setRelease(task);
    current.compareAndSet(task, null);
    return Thread.interrupted();
  }
}
