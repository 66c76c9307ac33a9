package dev.sluice.benchmarks;

import dev.sluice.event.Result;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A bounded queue of futures between two threads: the consumer takes each, runs the no-op
 * processor and completes it. The plain hand-off in the shape of Sluice's API (a future the
 * worker completes), shared by the latency baseline and the throughput reference.
 */
@State(Scope.Benchmark)
public class FutureHandOff {
  final ArrayBlockingQueue<CompletableFuture<Result>> queue =
      new ArrayBlockingQueue<>(DispatchFixture.QUEUE_CAPACITY);
  private Thread consumer;

  @Setup(Level.Trial)
  public void start() {
    consumer = DispatchFixture.startConsumer("handoff-consumer", () -> {
      CompletableFuture<Result> answer = queue.take();
      answer.complete(DispatchFixture.process(DispatchFixture.EVENT));
    });
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    DispatchFixture.stop(consumer);
  }
}
