package dev.sluice.benchmarks;

import dev.sluice.config.MergeMode;
import dev.sluice.config.Ordering;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.dispatch.Dispatcher;
import dev.sluice.internal.dispatch.LaneSpec;
import dev.sluice.internal.dispatch.RoutePlan;
import dev.sluice.internal.dispatch.SharedProcessorContext;
import dev.sluice.spi.EventProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * What both sides of every dispatch comparison share: one pre-built event, the same no-op
 * processor, and a dispatcher with a single lane of one worker, so the only difference between
 * a baseline and its Sluice counterpart is the hand-off itself.
 */
final class DispatchFixture {
  static final String TYPE = "bench";
  static final int QUEUE_CAPACITY = 1024;

  /** Answers OK without looking at the context; the baselines call it with a null context. */
  static final EventProcessor NOOP = (event, ctx) -> Result.ok(event.id());

  static final Event EVENT = Event.builder().id("bench-1").source("/bench").type(TYPE).build();

  private DispatchFixture() {
  }

  /**
   * A started dispatcher routing {@link #TYPE} to one lane running {@link #NOOP}.
   *
   * @param metrics {@code "simple"} for a {@link SimpleMeterRegistry} as a server would have, or
   *     {@code "denied"} for one whose meters are all no-ops (to see what the meters cost)
   */
  static Dispatcher startDispatcher(String metrics) {
    MeterRegistry registry = new SimpleMeterRegistry();
    if (metrics.equals("denied")) {
      registry.config().meterFilter(MeterFilter.deny());
    } else if (!metrics.equals("simple")) {
      throw new IllegalArgumentException("metrics: expected simple or denied, got '" + metrics
          + "'");
    }
    SharedProcessorContext context = new SharedProcessorContext("noop", null,
        LoggerFactory.getLogger("noop"), registry, e -> CompletableFuture.completedFuture(null),
        Optional.empty(), Optional.empty(), Optional.empty());
    LaneSpec lane = new LaneSpec("noop", NOOP, 1,
        QUEUE_CAPACITY, Duration.ofSeconds(30), Ordering.NONE, context);
    Dispatcher dispatcher = new Dispatcher(List.of(lane),
        List.of(new RoutePlan(TYPE, List.of("noop"), MergeMode.ALL, Duration.ofSeconds(30))),
        registry);
    dispatcher.start();
    return dispatcher;
  }

  /** A deadline that no benchmark run reaches. */
  static Instant farDeadline() {
    return Instant.now().plus(Duration.ofHours(1));
  }

  static Result process(Event event) {
    try {
      return NOOP.process(event, null);
    } catch (Exception e) {
      throw new IllegalStateException("the no-op processor failed", e);
    }
  }

  /** Starts a daemon thread running {@code body} until it is interrupted. */
  static Thread startConsumer(String name, InterruptibleLoop body) {
    Thread t = new Thread(() -> {
      try {
        while (true) {
          body.runOnce();
        }
      } catch (InterruptedException e) {
        // stopped by the tear-down
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void stop(Thread consumer) throws InterruptedException {
    consumer.interrupt();
    consumer.join(5_000);
    if (consumer.isAlive()) {
      throw new IllegalStateException(consumer.getName() + " did not stop within 5s");
    }
  }

  @FunctionalInterface
  interface InterruptibleLoop {
    void runOnce() throws InterruptedException;
  }
}
