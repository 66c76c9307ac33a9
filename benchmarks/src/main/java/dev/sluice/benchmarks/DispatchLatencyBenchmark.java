package dev.sluice.benchmarks;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.dispatch.Dispatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * The round trip of one no-op event with nothing else in flight: the JMH thread hands it to a
 * waiting consumer thread and blocks until the answer is back. Each side wakes one parked thread
 * each way.
 *
 * <ul>
 *   <li>{@code handOff}, the baseline: the producer puts the event with a fresh future (a
 *       {@link FutureHandOff.Pending}) into an {@code ArrayBlockingQueue}; the consumer takes it,
 *       runs the no-op processor and completes the future; the producer {@code join()}s. This is the same wake-up path as Sluice's
 *       answer, which is also a {@code CompletableFuture} completed by the worker.
 *   <li>{@code handOffReplyQueue}, for reference: the answer comes back through a second
 *       {@code ArrayBlockingQueue} instead.
 *   <li>{@code sluice}: {@code dispatcher.submit(event, deadline).join()}.
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class DispatchLatencyBenchmark {

  @Benchmark
  public Result handOff(FutureHandOff s) throws InterruptedException {
    FutureHandOff.Pending answer = new FutureHandOff.Pending(DispatchFixture.EVENT);
    s.queue.put(answer);
    return answer.join();
  }

  @Benchmark
  public Result handOffReplyQueue(HandOffReplyQueue s) throws InterruptedException {
    s.requests.put(s.event);
    return s.replies.take();
  }

  @Benchmark
  public Result sluice(Sluice s) {
    Result r = s.dispatcher.submit(s.event, s.deadline).join();
    if (!r.isOk()) {
      // a rejected event skips the hand-off: such a sample would flatter the figure
      throw new IllegalStateException("not answered OK: " + r);
    }
    return r;
  }

  /** Reference: request queue, answer through a reply queue. */
  @State(Scope.Benchmark)
  public static class HandOffReplyQueue {
    final Event event = DispatchFixture.EVENT;
    final ArrayBlockingQueue<Event> requests =
        new ArrayBlockingQueue<>(DispatchFixture.QUEUE_CAPACITY);
    final ArrayBlockingQueue<Result> replies =
        new ArrayBlockingQueue<>(DispatchFixture.QUEUE_CAPACITY);
    private Thread consumer;

    @Setup(Level.Trial)
    public void start() {
      consumer = DispatchFixture.startConsumer("handoff-consumer", () -> {
        Event e = requests.take();
        replies.put(DispatchFixture.process(e));
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

    final Event event = DispatchFixture.EVENT;
    Instant deadline;
    Dispatcher dispatcher;

    @Setup(Level.Trial)
    public void start() {
      deadline = DispatchFixture.farDeadline();
      dispatcher = DispatchFixture.startDispatcher(metrics);
    }

    @TearDown(Level.Trial)
    public void stop() {
      dispatcher.drain(Duration.ofSeconds(5));
    }
  }
}
