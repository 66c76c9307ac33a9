package dev.sluice.engine;

import dev.sluice.config.ConfigException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.health.HealthIndicator;
import dev.sluice.health.HealthReport;
import dev.sluice.internal.engine.Engine;
import dev.sluice.internal.time.MetricsClock;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventGuard;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.LockService;
import dev.sluice.spi.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Sluice server: the configured transport's event source, the dispatcher and its processors.
 *
 * <pre>{@code
 * SluiceConfig config = SluiceConfig.load(Path.of("conf/sluice.yaml"));
 * try (SluiceServer server = SluiceServer.builder(config)
 *     .plugins(Plugins.load(Path.of("plugins")))
 *     .build()) {                        // validates the configuration against the plugins
 *   server.start();                      // listens; returns when ready
 *   ...
 * }                                      // close() drains within server.drain-timeout
 * }</pre>
 *
 * <p>{@link #build()} does no I/O and starts no threads; it fails with a
 * {@link ConfigException} listing every processor, transport or route that does not match the
 * loaded plugins. {@link #start()} starts the workers and the sources, then re-submits in the
 * background the events the store holds as accepted but never completed (recovery after a
 * crash). {@link #stop(Duration)}
 * stops intake, lets in-flight events finish within the deadline and reports what was
 * abandoned.
 */
public final class SluiceServer implements AutoCloseable {
  private final Engine engine;

  private SluiceServer(Engine engine) {
    this.engine = engine;
  }

  public static Builder builder(SluiceConfig config) {
    return new Builder(config);
  }

  /**
   * The clock to build a server's {@link MeterRegistry} with: its wall time is read, to within
   * 10 ms, from a field that a daemon thread ({@code sluice-clock}, one per JVM, started with
   * the first use) keeps current, and its monotonic time is {@link System#nanoTime()}. A timer's
   * record reads the wall time twice (whether its windows are due to rotate); with this clock
   * that costs no system call for each event. {@code AdminServer.newRegistry()} uses it.
   */
  public static io.micrometer.core.instrument.Clock metricsClock() {
    return MetricsClock.get();
  }

  /** Starts the processors' workers and the transport's source; returns when ready. */
  public void start() throws Exception {
    engine.start();
  }

  /** Dispatches events in-process, bypassing the transport: for tests and embedding. */
  public EventSink sink() {
    return engine.sink();
  }

  /** A new client of the configured transport, pointed at this server's settings. */
  public EventClient newClient() {
    return engine.newClient();
  }

  /** True once started and until stopped. */
  public boolean isRunning() {
    return engine.isRunning();
  }

  /** Where the source listens, e.g. {@code tls://127.0.0.1:7443}. */
  public String describeSource() {
    return engine.describeSource();
  }

  public SluiceConfig config() {
    return engine.config();
  }

  public MeterRegistry metrics() {
    return engine.metrics();
  }

  /**
   * Whether the process works: up from {@link #start()} until {@link #stop()}. A supervisor
   * restarts a server that is not live.
   */
  public HealthReport liveness() {
    return engine.liveness();
  }

  /**
   * Whether the server can serve now, with each component's details: the source (listening,
   * connected), the store (its circuit breaker), the circuit breakers of outbound dependencies,
   * and indicators added with {@link Builder#healthIndicator}. Cheap and thread-safe.
   */
  public HealthReport readiness() {
    return engine.readiness();
  }

  /** Every circuit breaker's state by name ({@code processor:orders}, {@code store}, ...). */
  public Map<String, String> breakerStates() {
    return engine.breakerStates();
  }

  /** Whether intake of {@code processor}'s event types is paused because its breaker is open. */
  public boolean isIntakePaused(String processor) {
    return engine.isIntakePaused(processor);
  }

  /** Stops within {@code server.drain-timeout}. */
  public DrainReport stop() {
    return engine.stop(engine.config().server().drainTimeout());
  }

  /**
   * Stops intake at once, waits up to {@code deadline} for in-flight events to finish and their
   * results to be delivered, then answers what is left with {@code UNAVAILABLE} and stops the
   * workers. Calling it again returns the first report.
   */
  public DrainReport stop(Duration deadline) {
    return engine.stop(deadline);
  }

  @Override
  public void close() {
    stop();
  }

  /** Assembles a server. */
  public static final class Builder {
    private final SluiceConfig config;
    private Plugins plugins;
    private MeterRegistry metrics;
    private Path baseDirectory = Path.of("");
    private LockService locks;
    private StateStore state;
    private EventStore store;
    private Authenticator authenticator = Authenticator.none();
    private EventGuard guard = EventGuard.allowAll();
    private final List<HealthIndicator> healthIndicators = new ArrayList<>();
    private final List<EventSource> sources = new ArrayList<>();

    private Builder(SluiceConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** The loaded plugins; by default those on the class path and in server.plugins-directory. */
    public Builder plugins(Plugins plugins) {
      this.plugins = Objects.requireNonNull(plugins, "plugins");
      return this;
    }

    /** Where meters go; by default a {@link SimpleMeterRegistry}. */
    public Builder metrics(MeterRegistry registry) {
      this.metrics = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** What relative paths in the configuration are resolved against; the working directory by default. */
    public Builder baseDirectory(Path directory) {
      this.baseDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** A lock service to give processors instead of the in-memory one. */
    public Builder locks(LockService service) {
      this.locks = Objects.requireNonNull(service, "service");
      return this;
    }

    /** A state store to give processors instead of the in-memory one. */
    public Builder state(StateStore stateStore) {
      this.state = Objects.requireNonNull(stateStore, "stateStore");
      return this;
    }

    /** An event store for durable events and idempotent results instead of the in-memory one. */
    public Builder store(EventStore eventStore) {
      this.store = Objects.requireNonNull(eventStore, "eventStore");
      return this;
    }

    /** Who may connect, for transports that authenticate callers; by default everyone. */
    public Builder authenticator(Authenticator callers) {
      this.authenticator = Objects.requireNonNull(callers, "callers");
      return this;
    }

    /**
     * Validation and authorization of every event a source submits, before it is stored or
     * dispatched; by default everything passes.
     */
    public Builder guard(EventGuard eventGuard) {
      this.guard = Objects.requireNonNull(eventGuard, "eventGuard");
      return this;
    }

    /** Adds a component to the server's readiness, such as a database ping. */
    public Builder healthIndicator(HealthIndicator indicator) {
      healthIndicators.add(Objects.requireNonNull(indicator, "indicator"));
      return this;
    }

    /**
     * Adds an event source besides the transport's, such as the store's table source: started
     * after the transport's source with the same sink (guard, store, dispatcher), and stopped
     * with it.
     */
    public Builder source(EventSource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /**
     * Checks the configuration against the plugins and assembles the server, without I/O.
     *
     * @throws ConfigException listing every unknown processor, transport or route target
     */
    public SluiceServer build() {
      Path base = baseDirectory.toAbsolutePath();
      Plugins loaded = plugins != null
          ? plugins
          : Plugins.load(base.resolve(config.server().pluginsDirectory()));
      return new SluiceServer(new Engine(config, loaded,
          metrics != null ? metrics : new SimpleMeterRegistry(), base, locks, state, store,
          authenticator, guard, healthIndicators, sources));
    }
  }
}
