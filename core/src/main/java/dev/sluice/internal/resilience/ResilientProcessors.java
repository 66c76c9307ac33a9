package dev.sluice.internal.resilience;

import dev.sluice.config.ProcessorConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.dispatch.InlineAttempt;
import dev.sluice.internal.dispatch.WrappedProcessor;
import dev.sluice.internal.logging.EventMdc;
import dev.sluice.spi.AsyncEventProcessor;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.ProcessorContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps each configured processor in the error pipeline, outermost first:
 *
 * <pre>
 *  lane ─► Resilient (events, duration, refusal while open)
 *            └─► DeadLettering ─► Retrying ─► CircuitBreaking ─► plugin's processor
 * </pre>
 *
 * <p>The breaker is innermost so that it judges every attempt, and an open breaker ends the
 * retries at once. The wrapper is asynchronous exactly when the plugin's processor is.
 */
public final class ResilientProcessors {
  /** Latency buckets of {@code sluice.processor.duration}, for Prometheus histograms. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30)};

  private final Breakers breakers;
  private final EventStore store;
  private final MeterRegistry meters;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;

  public ResilientProcessors(Breakers breakers, EventStore store, MeterRegistry meters,
      ScheduledExecutorService scheduler, Clock clock) {
    this.breakers = breakers;
    this.store = store;
    this.meters = meters;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** The breaker name of a processor: {@code processor:<name>}. */
  public static String breakerName(String processor) {
    return "processor:" + processor;
  }

  /** {@code plugin} wrapped as configured by {@code config}. */
  public EventProcessor decorate(ProcessorConfig config, EventProcessor plugin) {
    String name = config.name();
    Breaker breaker = breakers.create(breakerName(name), config.circuitBreaker());
    CircuitBreakingProcessor breaking = new CircuitBreakingProcessor(plugin, name, breaker);
    Counter retries = Counter.builder("sluice.processor.retries").tag("processor", name)
        .description("attempts made again after a retryable failure").register(meters);
    Counter deadLetters = Counter.builder("sluice.processor.dead.letters")
        .tag("processor", name).description("events given up on and kept as dead letters")
        .register(meters);
    RetryingProcessor retrying = new RetryingProcessor(breaking, name, config.retry(), clock,
        d -> Thread.sleep(d.toMillis()), scheduler, retries);
    DeadLetteringProcessor outer = new DeadLetteringProcessor(retrying, name, store, clock,
        deadLetters);
    Resilient wrapper = plugin instanceof AsyncEventProcessor
        ? new AsyncResilient(plugin, breaking, retrying, outer, name, meters)
        : new Resilient(plugin, breaking, retrying, outer, name, meters);
    return wrapper;
  }

  /** The wrapper the lane sees, for blocking processors. */
  private static class Resilient implements EventProcessor, WrappedProcessor {
    final EventProcessor plugin;
    final CircuitBreakingProcessor breaking;
    final RetryingProcessor retrying;
    final DeadLetteringProcessor pipeline;
    final LongAdder events = new LongAdder();
    final Timer duration;

    Resilient(EventProcessor plugin, CircuitBreakingProcessor breaking,
        RetryingProcessor retrying, DeadLetteringProcessor pipeline, String name,
        MeterRegistry meters) {
      this.plugin = plugin;
      this.breaking = breaking;
      this.retrying = retrying;
      this.pipeline = pipeline;
      io.micrometer.core.instrument.FunctionCounter.builder("sluice.processor.events", events,
              LongAdder::sum)
          .description("events routed to the processor").tag("processor", name)
          .register(meters);
      this.duration = Timer.builder("sluice.processor.duration")
          .description("processing time of one event, retries included")
          .tag("processor", name).serviceLevelObjectives(BUCKETS).register(meters);
    }

    @Override
    public EventProcessor plugin() {
      return plugin;
    }

    @Override
    public Result refuse(Event event) {
      events.increment();
      return breaking.refuse(event);
    }

    @Override
    public Result process(Event event, ProcessorContext context) throws Exception {
      long start = System.nanoTime();
      try {
        return pipeline.process(event, context);
      } finally {
        duration.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    }

    /**
     * The breaker's call alone; a result that the retries would not touch is the answer, and
     * anything else (a retryable result, a throw) goes on, on a worker, where the retries and
     * the dead letter would have taken it. The duration counts both parts.
     */
    @Override
    public InlineAttempt firstAttempt(Event event, ProcessorContext context, long start) {
      CircuitBreakingProcessor.Attempt attempt = breaking.attempt(event, context, start);
      Result result = attempt.result();
      Exception thrown = attempt.thrown();
      if (thrown != null || RetryingProcessor.isRetryable(result)) {
        return InlineAttempt.handOff((ev, ctx) -> rest(start, ev, ctx, result, thrown),
            attempt.endNanos());
      }
      duration.record(attempt.endNanos() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      return InlineAttempt.settled(result, attempt.endNanos());
    }

    private Result rest(long start, Event event, ProcessorContext context, Result failed,
        Exception thrown) throws Exception {
      try {
        return pipeline.afterFirstAttempt(retrying, event, context, failed, thrown);
      } finally {
        duration.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public String toString() {
      return "resilient " + plugin;
    }
  }

  /** The wrapper the lane sees, for asynchronous processors. */
  private static final class AsyncResilient extends Resilient implements AsyncEventProcessor {
    AsyncResilient(EventProcessor plugin, CircuitBreakingProcessor breaking,
        RetryingProcessor retrying, DeadLetteringProcessor pipeline, String name,
        MeterRegistry meters) {
      super(plugin, breaking, retrying, pipeline, name, meters);
    }

    @Override
    public InlineAttempt firstAttempt(Event event, ProcessorContext context, long start) {
      throw new UnsupportedOperationException("an asynchronous processor does not run inline");
    }

    @Override
    public CompletionStage<Result> processAsync(Event event, ProcessorContext context) {
      long start = System.nanoTime();
      try (EventMdc mdc = EventMdc.open(event)) {
        return pipeline.processAsync(event, context).whenComplete((r, t) -> duration.record(
            System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
      }
    }

    @Override
    public Result process(Event event, ProcessorContext context) throws Exception {
      return AsyncEventProcessor.super.process(event, context);
    }
  }
}
