package dev.sluice.benchmarks;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The baseline of both comparisons: a bounded {@code ArrayBlockingQueue} between two threads,
 * carrying each event together with the future its producer waits on; the consumer takes one,
 * runs the no-op processor on that event and completes the future. This is the least any
 * hand-off that answers each event must do, and the same shape as Sluice's API: one object per
 * event that is both the queued item and the answer (a {@link Pending}).
 */
@State(Scope.Benchmark)
public class FutureHandOff {
  final ArrayBlockingQueue<Pending> queue =
      new ArrayBlockingQueue<>(DispatchFixture.QUEUE_CAPACITY);
  private Thread consumer;

  @Setup(Level.Trial)
  public void start() {
    consumer = DispatchFixture.startConsumer("handoff-consumer", () -> {
      Pending pending = queue.take();
      pending.complete(DispatchFixture.process(pending.event));
    });
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    DispatchFixture.stop(consumer);
  }

  /** An event on its way to the consumer, and the future of its answer, in one object. */
  static final class Pending extends CompletableFuture<Result> {
    final Event event;

    Pending(Event event) {
      this.event = event;
    }
  }
}
