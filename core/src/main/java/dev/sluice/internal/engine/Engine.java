package dev.sluice.internal.engine;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Execution;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.DependencyPolicy;
import dev.sluice.health.HealthIndicator;
import dev.sluice.health.HealthReport;
import dev.sluice.internal.resilience.BreakerGuard;
import dev.sluice.internal.resilience.BreakerIntakeControl;
import dev.sluice.internal.resilience.Breakers;
import dev.sluice.internal.resilience.ResilientEventStore;
import dev.sluice.internal.resilience.ResilientProcessors;
import dev.sluice.resilience.DependencyGuard;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.sluice.config.MergeMode;
import dev.sluice.config.ProcessorConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.DrainReport;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.dispatch.Dispatcher;
import dev.sluice.internal.dispatch.LaneSpec;
import dev.sluice.internal.dispatch.RoutePlan;
import dev.sluice.internal.dispatch.SharedProcessorContext;
import dev.sluice.internal.services.InMemoryEventStore;
import dev.sluice.internal.services.InMemoryLockService;
import dev.sluice.internal.services.InMemoryStateStore;
import dev.sluice.internal.time.CoarseClock;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.AsyncEventProcessor;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.EventGuard;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.LockService;
import dev.sluice.spi.PausableSource;
import dev.sluice.spi.PublishingSource;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.StateStore;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Assembles configuration and plugins into a running server. */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");
  /** Follow-on events have no sender waiting; they still get the processor's own timeout. */
  private static final Duration EMIT_DEADLINE = Duration.ofHours(1);
  static final long MEMORY_STORE_RETENTION_MILLIS = TimeUnit.MINUTES.toMillis(10);
  static final int MEMORY_STORE_MAX_ENTRIES = 10_000;
  static final int RECOVERY_BATCH = 500;

  private final SluiceConfig config;
  private final Plugins plugins;
  private final MeterRegistry metrics;
  private final Transport transport;
  private final TransportContext transportContext;
  private final Dispatcher dispatcher;
  private final EventSink sink;
  private final String storeDescription;
  private final Breakers breakers;
  private final BreakerIntakeControl intake = new BreakerIntakeControl();
  /**
   * How often breakers are looked at for a change no call reported: an open breaker that
   * half-opens on time resumes its paused intake within this.
   */
  private static final Duration BREAKER_STATE_CHECK = Duration.ofMillis(20);
  private final ScheduledExecutorService retryScheduler;
  private final Map<String, DependencyGuard> dependencies = new ConcurrentHashMap<>();
  private final ServerHealth health;
  private final ResilientEventStore eventStore;
  private final List<EventSource> extraSources;
  private final EmitterRef emitter = new EmitterRef();
  private volatile EventSource source;
  private Thread recovery;
  private volatile boolean running;
  private DrainReport stopReport;

  public Engine(SluiceConfig config, Plugins plugins, MeterRegistry metrics, Path baseDirectory,
      LockService locks, StateStore state, EventStore store, Authenticator authenticator,
      EventGuard guard, List<HealthIndicator> healthIndicators, List<EventSource> extraSources) {
    this.config = config;
    this.extraSources = List.copyOf(extraSources);
    this.plugins = plugins;
    this.metrics = metrics;
    List<ConfigProblem> problems = new ArrayList<>();
    this.transport = TransportResolver.resolve(config, plugins, problems);
    Clock clock = Clock.systemUTC();
    InMemoryLockService memoryLocks = locks == null
        ? new InMemoryLockService(clock, config.server().name()) : null;
    LockService lockService = locks != null ? locks : memoryLocks;
    StateStore stateStore = state != null ? state
        : memoryLocks != null ? new InMemoryStateStore(memoryLocks) : null;
    EventStore plainStore = store != null ? store
        : new InMemoryEventStore(CoarseClock.utc(), MEMORY_STORE_RETENTION_MILLIS,
            MEMORY_STORE_MAX_ENTRIES);
    this.breakers = new Breakers(metrics);
    DependencyPolicy storePolicy = config.resilience().store();
    this.eventStore = new ResilientEventStore(plainStore, new BreakerGuard("store",
        breakers.create("store", storePolicy.breaker()), storePolicy.callTimeout()));
    this.retryScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sluice-retry");
      t.setDaemon(true);
      return t;
    });
    ResilientProcessors resilient = new ResilientProcessors(breakers, eventStore, metrics,
        retryScheduler, clock);
    this.storeDescription = store != null ? store.getClass().getSimpleName()
        : "in-memory (results kept " + TimeUnit.MILLISECONDS.toMinutes(
            MEMORY_STORE_RETENTION_MILLIS) + " min, the last " + MEMORY_STORE_MAX_ENTRIES
            + " at least)";

    List<LaneSpec> lanes = new ArrayList<>();
    for (int i = 0; i < config.processors().size(); i++) {
      ProcessorConfig pc = config.processors().get(i);
      Optional<EventProcessor> processor = plugins.newProcessor(pc.processor());
      if (processor.isEmpty()) {
        problems.add(new ConfigProblem("processors[" + i + "].processor", 0,
            "no processor named '" + pc.processor() + "' is loaded; loaded: "
                + plugins.processorNames()
                + ". Put its plugin jar in the plugins directory or fix the name"));
        continue;
      }
      if (pc.execution() == Execution.INLINE && processor.get() instanceof AsyncEventProcessor) {
        problems.add(new ConfigProblem("processors[" + i + "].execution", 0,
            "processor '" + pc.processor() + "' is asynchronous: its calls hold no worker, so"
                + " execution: inline gains nothing; remove the execution key"));
        continue;
      }
      EventProcessor p = resilient.decorate(pc, processor.get());
      intake.watch(pc.name(), pc.types(),
          breakers.get(ResilientProcessors.breakerName(pc.name())));
      lanes.add(new LaneSpec(pc.name(), p, pc.concurrency(),
          pc.queueCapacity(), pc.timeout(), pc.ordering(), pc.execution(),
          new SharedProcessorContext(pc.name(), pc.settings(),
              LoggerFactory.getLogger("sluice.processor." + pc.name()), metrics, emitter::emit,
              Optional.ofNullable(lockService), Optional.ofNullable(stateStore),
              Optional.of(eventStore))));
    }
    List<RoutePlan> routes = routePlans(config, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException("configuration", problems);
    }
    this.dispatcher = new Dispatcher(lanes, routes, metrics);
    IdempotentSink idempotent = new IdempotentSink(dispatcher, eventStore);
    emitter.target = idempotent;
    this.sink = new GuardedSink(guard, idempotent);
    this.transportContext = TransportResolver.context(config, baseDirectory, metrics,
        authenticator, Optional.empty(), this::dependency);
    this.health = new ServerHealth(() -> running, () -> source, eventStore, breakers,
        List.copyOf(healthIndicators));
  }

  /** One guard per outbound dependency name, reported in health and metrics. */
  private DependencyGuard dependency(String name) {
    return dependencies.computeIfAbsent(name, n -> new BreakerGuard(n,
        breakers.create("dependency:" + n, config.resilience().outbound().breaker()),
        config.resilience().outbound().callTimeout()));
  }

  /** Every pattern's processors: from each processor's types, and from the routes. */
  private static List<RoutePlan> routePlans(SluiceConfig config, List<ConfigProblem> problems) {
    Map<String, List<String>> targets = new LinkedHashMap<>();
    Map<String, ProcessorConfig> byName = new LinkedHashMap<>();
    for (ProcessorConfig pc : config.processors()) {
      byName.put(pc.name(), pc);
      for (String type : pc.types()) {
        targets.computeIfAbsent(type, t -> new ArrayList<>()).add(pc.name());
      }
    }
    Map<String, RouteConfig> routeByPattern = new LinkedHashMap<>();
    for (int i = 0; i < config.routes().size(); i++) {
      RouteConfig rc = config.routes().get(i);
      for (String type : rc.types()) {
        if (routeByPattern.put(type, rc) != null) {
          problems.add(new ConfigProblem("routes[" + i + "].types", 0, "type pattern '" + type
              + "' is in more than one route; merge those routes into one"));
        }
        List<String> list = targets.computeIfAbsent(type, t -> new ArrayList<>());
        for (String p : rc.processors()) {
          if (!byName.containsKey(p)) {
            problems.add(new ConfigProblem("routes[" + i + "].processors", 0,
                "unknown processor '" + p + "'; configured: " + byName.keySet()));
          } else if (!list.contains(p)) {
            list.add(p);
          }
        }
      }
    }
    List<RoutePlan> plans = new ArrayList<>();
    targets.forEach((pattern, names) -> {
      Duration max = Duration.ZERO;
      for (String n : names) {
        ProcessorConfig pc = byName.get(n);
        if (pc != null && pc.timeout().compareTo(max) > 0) {
          max = pc.timeout();
        }
      }
      RouteConfig rc = routeByPattern.get(pattern);
      MergeMode merge = rc == null ? MergeMode.ALL : rc.merge();
      Duration timeout = rc == null ? max : rc.timeout().orElse(max);
      if (!names.isEmpty()) {
        plans.add(new RoutePlan(pattern, names, merge, timeout));
      }
    });
    return plans;
  }

  public synchronized void start() throws Exception {
    if (running) {
      throw new IllegalStateException("the server is already running");
    }
    LOG.info("starting sluice '{}'", config.server().name());
    dispatcher.start();
    breakers.watchStates(retryScheduler, BREAKER_STATE_CHECK);
    LOG.info("dispatcher started: {} processors", config.processors().size());
    source = transport.createSource(transportContext);
    if (source instanceof PausableSource) {
      dispatcher.register((PausableSource) source);
    }
    intake.attach(source);
    if (source instanceof PublishingSource publishing) {
      emitter.publisher = publishing;
    }
    source.start(sink);
    if (emitter.publisher != null) {
      LOG.info("follow-on events are published through {}", source.describe());
    }
    for (EventSource extra : extraSources) {
      extra.start(sink);
    }
    running = true;
    recovery = new Thread(this::recover, "sluice-recovery");
    recovery.setDaemon(true);
    recovery.start();
    logLoaded();
    LOG.info("sluice '{}' ready on {}", config.server().name(), source.describe());
  }

  private void logLoaded() {
    LOG.info("transport: {} ({})", config.transport().type(), source.describe());
    for (EventSource extra : extraSources) {
      LOG.info("source: {}", extra.describe());
    }
    for (ProcessorConfig pc : config.processors()) {
      LOG.info("processor '{}' ({}): types {}, concurrency {}, queue {}, timeout {}ms, ordering {}",
          pc.name(), pc.processor(), pc.types(), pc.concurrency(), pc.queueCapacity(),
          pc.timeout().toMillis(), pc.ordering().name().toLowerCase(java.util.Locale.ROOT));
    }
    LOG.info("store: {}", storeDescription);
    for (ProcessorConfig pc : config.processors()) {
      LOG.info("processor '{}' resilience: {}, circuit breaker {}", pc.name(),
          pc.retry().retries() ? pc.retry().maxAttempts() + " attempts (backoff "
              + pc.retry().initialBackoff().toMillis() + "ms to "
              + pc.retry().maxBackoff().toMillis() + "ms)" : "no retries",
          pc.circuitBreaker().enabled()
              ? "opens at " + pc.circuitBreaker().failureRateThreshold() + "% failed of the last "
                  + pc.circuitBreaker().slidingWindow() + " calls"
              : "disabled");
    }
    for (Path p : plugins.pluginPaths()) {
      LOG.info("plugin: {}", p);
    }
  }

  /**
   * Re-submits the events this server accepted before it stopped and never completed (the
   * store's {@link EventStore#incomplete}), batch by batch, until none are left that were not
   * tried in this run. Runs beside normal intake.
   */
  private void recover() {
    java.util.Set<dev.sluice.event.EventKey> tried = new java.util.HashSet<>();
    int recovered = 0;
    try {
      while (running) {
        List<CompletableFuture<Result>> pending = new ArrayList<>();
        for (Event e : eventStore.incomplete(RECOVERY_BATCH)) {
          if (tried.add(e.key())) {
            pending.add(sink.submit(e, dev.sluice.spi.Delivery.of("recovery",
                Instant.now().plus(EMIT_DEADLINE))).toCompletableFuture());
          }
        }
        if (pending.isEmpty()) {
          break;
        }
        recovered += pending.size();
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      }
      if (recovered > 0) {
        LOG.info("recovery: processed {} events accepted before the last stop", recovered);
      }
    } catch (RuntimeException e) {
      LOG.warn("recovery stopped after {} events: {}; the rest is recovered on the next start",
          recovered, e.toString());
    }
  }

  public EventSink sink() {
    return sink;
  }

  public EventClient newClient() {
    return transport.createClient(transportContext);
  }

  public boolean isRunning() {
    return running;
  }

  public String describeSource() {
    return source == null ? "(not started)" : source.describe();
  }

  public SluiceConfig config() {
    return config;
  }

  public MeterRegistry metrics() {
    return metrics;
  }

  public HealthReport liveness() {
    return health.liveness();
  }

  public HealthReport readiness() {
    return health.readiness();
  }

  /** Whether intake of {@code processor}'s event types is paused by its open breaker. */
  public boolean isIntakePaused(String processor) {
    return intake.isPaused(processor);
  }

  /** The state of every circuit breaker by name: {@code closed}, {@code open}, ... */
  public Map<String, String> breakerStates() {
    Map<String, String> states = new LinkedHashMap<>();
    breakers.all().forEach(b -> states.put(b.getName(), Breakers.stateName(b)));
    return states;
  }

  public synchronized DrainReport stop(Duration deadline) {
    if (stopReport != null) {
      return stopReport;
    }
    long start = System.nanoTime();
    long completedBefore = dispatcher.completedCount();
    LOG.info("stopping: draining in-flight events for up to {}ms", deadline.toMillis());
    if (source != null) {
      try {
        source.stop(deadline).toCompletableFuture()
            .get(deadline.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        LOG.warn("source {} did not drain within {}ms", source.describe(), deadline.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("source {} failed to stop cleanly", source.describe(), e);
      }
    }
    for (EventSource extra : extraSources) {
      Duration remaining = deadline.minusNanos(System.nanoTime() - start);
      try {
        extra.stop(remaining).toCompletableFuture()
            .get(Math.max(0, remaining.toNanos()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("source {} did not stop cleanly", extra.describe(), e);
      }
    }
    intake.detach();
    LOG.info("source stopped; draining the dispatcher");
    Duration left = deadline.minusNanos(System.nanoTime() - start);
    DrainReport report = dispatcher.drain(left.isNegative() ? Duration.ZERO : left);
    retryScheduler.shutdownNow();
    running = false;
    long completed = dispatcher.completedCount() - completedBefore
        - report.abandonedEventIds().size();
    stopReport = new DrainReport(Math.max(0, completed), report.abandonedEventIds(),
        Duration.ofNanos(System.nanoTime() - start));
    if (stopReport.isClean()) {
      LOG.info("stopped in {}ms; every in-flight event finished", stopReport.took().toMillis());
    } else {
      LOG.warn("stopped in {}ms; abandoned {} events: {}", stopReport.took().toMillis(),
          stopReport.abandonedEventIds().size(), stopReport.abandonedEventIds());
    }
    return stopReport;
  }

  /**
   * Follow-on events go to the transport's broker when the source publishes
   * ({@link PublishingSource}), accepted meaning confirmed by the broker; otherwise back through
   * the sink, accepted meaning queued, not processed.
   */
  private static final class EmitterRef {
    volatile EventSink target;
    volatile PublishingSource publisher;

    CompletionStage<Void> emit(Event event) {
      PublishingSource broker = publisher;
      if (broker != null) {
        return publish(broker, event);
      }
      CompletableFuture<Result> result = target.submit(event,
          dev.sluice.spi.Delivery.of("emit", Instant.now().plus(EMIT_DEADLINE)))
          .toCompletableFuture();
      Result early = result.getNow(null);
      if (early != null && !early.isOk()) {
        return CompletableFuture.failedFuture(new ProcessingException(
            early.errorCode().orElse(early.status().name()),
            "follow-on event " + event.key() + " was refused: "
                + early.errorMessage().orElse(early.status().name())));
      }
      result.thenAccept(r -> {
        if (!r.isOk()) {
          LOG.warn("follow-on event {} ended {}: {}", event, r.status(),
              r.errorMessage().orElse(""));
        }
      });
      return CompletableFuture.completedFuture(null);
    }

    /** Retryable: the broker may confirm the same event when it is tried again. */
    private static final class FollowOnNotPublished extends ProcessingException {
      private static final long serialVersionUID = 1L;

      FollowOnNotPublished(String message, Throwable cause) {
        super("FOLLOW_ON_NOT_PUBLISHED", message, true, cause);
      }
    }

    private static CompletionStage<Void> publish(PublishingSource broker, Event event) {
      CompletionStage<Void> published;
      try {
        published = broker.publish(event);
      } catch (RuntimeException e) {
        published = CompletableFuture.failedFuture(e);
      }
      return published.handle((v, e) -> {
        if (e == null) {
          return null;
        }
        Throwable cause = e instanceof java.util.concurrent.CompletionException
            && e.getCause() != null ? e.getCause() : e;
        throw new java.util.concurrent.CompletionException(new FollowOnNotPublished(
            "follow-on event " + event.key() + " was not published to " + broker.describe()
                + ": " + cause.getMessage() + "; the event that emitted it can be retried",
            cause));
      });
    }
  }
}
