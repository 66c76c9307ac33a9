package dev.sluice.internal.config;

import dev.sluice.config.BreakerPolicy;
import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.Execution;
import dev.sluice.config.MergeMode;
import dev.sluice.config.Ordering;
import dev.sluice.config.RetryPolicy;
import dev.sluice.config.Settings;
import dev.sluice.config.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Every key of the core sections, declared once; binding, dumps and the reference use these. */
final class CoreConfigDefs {
  private CoreConfigDefs() {}

  private static final Pattern TYPE_PATTERN =
      Pattern.compile("\\*|[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*(?:\\.\\*)?");

  /** Event type patterns: {@code orders.created}, {@code orders.*} or {@code *}. */
  static final Validator<List<String>> TYPE_PATTERNS = new Validator<>() {
    @Override
    public Optional<String> check(List<String> types) {
      for (String type : types) {
        if (!TYPE_PATTERN.matcher(type).matches()) {
          return Optional.of("'" + type + "' is not a valid event type pattern: expected an"
              + " exact type such as 'orders.created', a prefix such as 'orders.*', or '*'"
              + " (letters, digits, '.', '-', '_', and '*' only as the last segment)");
        }
      }
      return Optional.empty();
    }

    @Override
    public String description() {
      return "each must be an exact type such as `orders.created`, a prefix such as `orders.*`,"
          + " or `*`";
    }
  };

  // --- top level

  static final ConfigKey<Settings> SERVER = ConfigKey.section("server")
      .doc("This server: its name and directories. See [`server`](#server).");
  static final ConfigKey<Settings> TRANSPORT = ConfigKey.section("transport")
      .doc("Which transport carries events, and its settings. See [`transport`](#transport).");
  static final ConfigKey<List<Settings>> PROCESSORS = ConfigKey.sections("processors")
      .doc("The processors that run, with their event types and limits."
          + " See [`processors[]`](#processors).");
  static final ConfigKey<List<Settings>> ROUTES = ConfigKey.sections("routes")
      .doc("Fan-out of event types to several processors. See [`routes[]`](#routes).");
  static final ConfigKey<Settings> STORE = ConfigKey.section("store")
      .doc("The event store and locks; read by the store plugin.");
  static final ConfigKey<Settings> SECURITY = ConfigKey.section("security")
      .doc("TLS, users and access control; read by the security module.");
  static final ConfigKey<Settings> ADMIN = ConfigKey.section("admin")
      .doc("The admin endpoint; read by the admin module.");
  static final ConfigKey<Settings> RESILIENCE = ConfigKey.section("resilience")
      .doc("Circuit breakers and timeouts of outbound calls (the store, broker publishers)."
          + " See [`resilience`](#resilience).");

  static final ConfigDef ROOT = ConfigDef.section("(top level)",
          "The sections of `conf/sluice.yaml`. Any other top-level key is an error.")
      .define(SERVER).define(TRANSPORT).define(PROCESSORS).define(ROUTES)
      .define(STORE).define(SECURITY).define(ADMIN).define(RESILIENCE);

  // --- server

  static final ConfigKey<String> SERVER_NAME = ConfigKey.string("name").defaultValue("sluice")
      .validator(Validator.notBlank())
      .doc("This server's name, in logs, metrics and lock owners.");
  static final ConfigKey<Path> DATA_DIRECTORY = ConfigKey.path("data-directory")
      .defaultValue(Path.of("data"))
      .doc("Where local state goes: the embedded H2 database, generated certificates."
          + " Relative paths are resolved against the working directory.");
  static final ConfigKey<Path> PLUGINS_DIRECTORY = ConfigKey.path("plugins-directory")
      .defaultValue(Path.of("plugins"))
      .doc("Where plugin jars and folders are loaded from; each gets its own class loader.");
  static final ConfigKey<Duration> DRAIN_TIMEOUT = ConfigKey.duration("drain-timeout")
      .defaultValue(Duration.ofSeconds(30)).validator(Validator.positive())
      .doc("How long a graceful stop waits for events already accepted.");

  static final ConfigDef SERVER_DEF = ConfigDef.section("server", "This server.")
      .define(SERVER_NAME).define(DATA_DIRECTORY).define(PLUGINS_DIRECTORY)
      .define(DRAIN_TIMEOUT);

  // --- transport

  static final ConfigKey<String> TRANSPORT_TYPE = ConfigKey.string("type")
      .defaultValue("netty").validator(Validator.notBlank())
      .doc("The transport that carries events, by plugin name: `netty`, `rabbitmq`, `kafka`,"
          + " `memory`, or any installed transport plugin. Its section below is handed to it.");

  static final ConfigDef TRANSPORT_DEF = ConfigDef.section("transport",
          "Which transport runs, and one section of settings per transport. Only the section"
              + " named by `type` is used, so one file can keep the settings of several"
              + " transports and switch between them by changing `type`.")
      .define(TRANSPORT_TYPE)
      .allowOtherKeys("One section per transport, named after it (such as `netty` or"
          + " `rabbitmq`), validated by that transport.");

  // --- processors

  static final ConfigKey<String> PROCESSOR_NAME = ConfigKey.string("name").required()
      .validator(Validator.notBlank())
      .doc("The unique name of this processor, in metrics, logs and routes.");
  static final ConfigKey<String> PROCESSOR_PLUGIN = ConfigKey.string("processor")
      .validator(Validator.notBlank())
      .doc("The plugin processor it runs, by the name its plugin binds. Defaults to `name`.");
  static final ConfigKey<List<String>> PROCESSOR_TYPES = ConfigKey.strings("types").required()
      .validator(Validator.notEmpty()).validator(TYPE_PATTERNS)
      .doc("The event types routed to it.");
  static final ConfigKey<Integer> CONCURRENCY = ConfigKey.integer("concurrency")
      .defaultValue(8).validator(Validator.atLeast(1))
      .doc("How many events it processes at once.");
  static final ConfigKey<Integer> QUEUE_CAPACITY = ConfigKey.integer("queue-capacity")
      .defaultValue(1024).validator(Validator.atLeast(1))
      .doc("How many accepted events may wait for a worker; when full, sources are slowed or"
          + " senders get `OVERLOADED`.");
  static final ConfigKey<Duration> PROCESSOR_TIMEOUT = ConfigKey.duration("timeout")
      .defaultValue(Duration.ofSeconds(30)).validator(Validator.positive())
      .doc("How long one event may take before its result is `TIMEOUT` and its worker is"
          + " interrupted; enforced by a watchdog that checks every 5 ms, so never early and at"
          + " most 10 ms late.");
  static final ConfigKey<Ordering> ORDERING = ConfigKey.enumeration("ordering", Ordering.class)
      .defaultValue(Ordering.NONE)
      .doc("`partition-key` keeps events with the same partition key in arrival order"
          + " (different keys still run in parallel).");
  static final ConfigKey<Execution> EXECUTION = ConfigKey.enumeration("execution",
          Execution.class)
      .defaultValue(Execution.WORKERS)
      .doc("Which thread runs its events. `workers`: its own worker threads, fed by its queue;"
          + " blocking is allowed. `inline`: the thread that delivered the event (the Netty"
          + " event loop, the RabbitMQ or Kafka consumer thread), with no queue and no hand-off,"
          + " for a processor that never blocks: it saves two thread hand-offs per event. Such a"
          + " call cannot be interrupted: at `timeout` its sender is answered `TIMEOUT` and a"
          + " warning shows where the thread is stuck, but the thread stays held until the call"
          + " returns. `concurrency` and `queue-capacity` apply only to what still goes to the"
          + " workers:"
          + " retries, dead letters and, with `ordering: partition-key`, an event whose key is"
          + " busy. Not for asynchronous processors, whose calls hold no worker anyway.");
  static final ConfigKey<Settings> PROCESSOR_SETTINGS = ConfigKey.section("settings")
      .doc("Free-form settings read by the processor itself.");
  static final ConfigKey<Settings> PROCESSOR_RETRY = ConfigKey.section("retry")
      .doc("How its retryable failures are retried. See [`processors[].retry`](#processorsretry).");
  static final ConfigKey<Settings> PROCESSOR_BREAKER = ConfigKey.section("circuit-breaker")
      .doc("When its events are refused because it keeps failing."
          + " See [`processors[].circuit-breaker`](#processorscircuit-breaker).");

  static final ConfigDef PROCESSOR_DEF = ConfigDef.section("processors[]",
          "Each entry of the `processors` list runs one processor plugin.")
      .define(PROCESSOR_NAME).define(PROCESSOR_PLUGIN).define(PROCESSOR_TYPES)
      .define(CONCURRENCY).define(QUEUE_CAPACITY).define(PROCESSOR_TIMEOUT).define(ORDERING)
      .define(EXECUTION).define(PROCESSOR_SETTINGS).define(PROCESSOR_RETRY).define(PROCESSOR_BREAKER);

  // --- processors[].retry

  static final ConfigKey<Integer> MAX_ATTEMPTS = ConfigKey.integer("max-attempts")
      .defaultValue(RetryPolicy.DEFAULT.maxAttempts()).validator(Validator.atLeast(1))
      .doc("Attempts in all, the first included; `1` turns retries off.");
  static final ConfigKey<Duration> INITIAL_BACKOFF = ConfigKey.duration("initial-backoff")
      .defaultValue(RetryPolicy.DEFAULT.initialBackoff()).validator(Validator.positive())
      .doc("The wait before the second attempt.");
  static final ConfigKey<Duration> MAX_BACKOFF = ConfigKey.duration("max-backoff")
      .defaultValue(RetryPolicy.DEFAULT.maxBackoff()).validator(Validator.positive())
      .doc("The longest wait between two attempts; at least `initial-backoff`.");
  static final ConfigKey<Double> MULTIPLIER = ConfigKey.decimal("multiplier")
      .defaultValue(RetryPolicy.DEFAULT.multiplier())
      .validator(Validator.of("at least 1.0", (Double d) -> d >= 1.0))
      .doc("How much each wait grows over the one before.");
  static final ConfigKey<Double> JITTER = ConfigKey.decimal("jitter")
      .defaultValue(RetryPolicy.DEFAULT.jitter())
      .validator(Validator.of("from 0.0 to below 1.0", (Double d) -> d >= 0.0 && d < 1.0))
      .doc("The random spread of each wait as a fraction of it, so that many failed events do"
          + " not retry in step.");

  static final ConfigDef RETRY_DEF = ConfigDef.section("processors[].retry",
          "Retries of failures the processor marks retryable (`ProcessingException.retryable`,"
              + " or a result with status `TIMEOUT`, `UNAVAILABLE` or `OVERLOADED`), with"
              + " exponential backoff and jitter. They run within the event's processing: the"
              + " processor's `timeout` and the sender's deadline bound all attempts together,"
              + " and a retry whose wait would end past the deadline is not made. When the"
              + " attempts are used up, the event is dead-lettered (see docs/operations.md).")
      .define(MAX_ATTEMPTS).define(INITIAL_BACKOFF).define(MAX_BACKOFF).define(MULTIPLIER)
      .define(JITTER);

  // --- processors[].circuit-breaker, resilience.*.circuit-breaker

  static final BreakerKeys PROCESSOR_BREAKER_KEYS = new BreakerKeys(BreakerPolicy.DEFAULT);
  static final ConfigDef BREAKER_DEF = PROCESSOR_BREAKER_KEYS.def(
      "processors[].circuit-breaker",
      "A circuit breaker per processor. It counts failed calls (retryable failures and"
          + " unexpected exceptions, not deliberate error results); when too many of the latest"
          + " calls failed it opens, and the processor's events get `UNAVAILABLE` at once"
          + " while broker sources pause intake of its event types. After `wait-in-open` it"
          + " lets `half-open-calls` trial events through and closes again if they succeed.");

  /** The keys of a circuit-breaker section, with the defaults of its owner. */
  static final class BreakerKeys {
    final ConfigKey<Boolean> enabled;
    final ConfigKey<Double> failureRate;
    final ConfigKey<Integer> minimumCalls;
    final ConfigKey<Integer> slidingWindow;
    final ConfigKey<Duration> waitInOpen;
    final ConfigKey<Integer> halfOpenCalls;

    private final BreakerPolicy defaults;

    BreakerKeys(BreakerPolicy defaults) {
      this.defaults = defaults;
      enabled = ConfigKey.bool("enabled").defaultValue(defaults.enabled())
          .doc("`false` never refuses a call.");
      failureRate = ConfigKey.decimal("failure-rate-threshold")
          .defaultValue(defaults.failureRateThreshold())
          .validator(Validator.of("above 0 and at most 100", (Double d) -> d > 0 && d <= 100))
          .doc("The percentage of failed calls, among those counted, that opens the breaker.");
      minimumCalls = ConfigKey.integer("minimum-calls").defaultValue(defaults.minimumCalls())
          .validator(Validator.atLeast(1))
          .doc("How many calls are counted before the failure rate is judged; at most"
              + " `sliding-window`.");
      slidingWindow = ConfigKey.integer("sliding-window").defaultValue(defaults.slidingWindow())
          .validator(Validator.atLeast(1))
          .doc("How many of the latest calls are counted.");
      waitInOpen = ConfigKey.duration("wait-in-open").defaultValue(defaults.waitInOpen())
          .validator(Validator.positive())
          .doc("How long the breaker stays open before it lets trial calls through.");
      halfOpenCalls = ConfigKey.integer("half-open-calls").defaultValue(defaults.halfOpenCalls())
          .validator(Validator.atLeast(1))
          .doc("How many trial calls decide whether it closes again.");
    }

    BreakerPolicy defaults() {
      return defaults;
    }

    ConfigDef def(String section, String documentation) {
      return ConfigDef.section(section, documentation).define(enabled).define(failureRate)
          .define(minimumCalls).define(slidingWindow).define(waitInOpen).define(halfOpenCalls);
    }

    BreakerPolicy policy(dev.sluice.config.ConfigValues v) {
      return new BreakerPolicy(v.get(enabled), v.get(failureRate), v.get(minimumCalls),
          v.get(slidingWindow), v.get(waitInOpen), v.get(halfOpenCalls));
    }

    java.util.Map<String, Object> dump(BreakerPolicy p) {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put(enabled.name(), p.enabled());
      m.put(failureRate.name(), p.failureRateThreshold());
      m.put(minimumCalls.name(), p.minimumCalls());
      m.put(slidingWindow.name(), p.slidingWindow());
      m.put(waitInOpen.name(), waitInOpen.print(p.waitInOpen()));
      m.put(halfOpenCalls.name(), p.halfOpenCalls());
      return m;
    }
  }

  // --- resilience

  static final ConfigKey<Settings> RESILIENCE_STORE = ConfigKey.section("store")
      .doc("Calls to the event store. See [`resilience.store`](#resiliencestore).");
  static final ConfigKey<Settings> RESILIENCE_OUTBOUND = ConfigKey.section("outbound")
      .doc("Calls to other dependencies, such as broker publishers."
          + " See [`resilience.outbound`](#resilienceoutbound).");
  static final ConfigDef RESILIENCE_DEF = ConfigDef.section("resilience",
          "How the server guards its outbound dependencies: a call timeout and a circuit"
              + " breaker for each. Processors have their own `retry` and `circuit-breaker`.")
      .define(RESILIENCE_STORE).define(RESILIENCE_OUTBOUND);

  static final ConfigKey<Duration> CALL_TIMEOUT = ConfigKey.duration("call-timeout")
      .defaultValue(dev.sluice.config.DependencyPolicy.DEFAULT.callTimeout())
      .validator(Validator.positive())
      .doc("How long one call may take before it fails and counts as a failure.");
  static final ConfigKey<Settings> DEPENDENCY_BREAKER = ConfigKey.section("circuit-breaker")
      .doc("The dependency's circuit breaker: the same keys as"
          + " [`processors[].circuit-breaker`](#processorscircuit-breaker), with the defaults"
          + " of [`resilience.*.circuit-breaker`](#resiliencecircuit-breaker).");
  static final ConfigDef STORE_RESILIENCE_DEF = ConfigDef.section("resilience.store",
          "Calls to the event store. While its breaker is open, events that need the store get"
              + " `UNAVAILABLE` (code `STORE_UNAVAILABLE`) at once and the server is not ready.")
      .define(CALL_TIMEOUT).define(DEPENDENCY_BREAKER);
  static final ConfigDef OUTBOUND_RESILIENCE_DEF = ConfigDef.section("resilience.outbound",
          "Calls to other dependencies through `TransportContext.dependency(name)`, such as a"
              + " broker publisher.")
      .define(CALL_TIMEOUT).define(DEPENDENCY_BREAKER);
  static final BreakerKeys DEPENDENCY_BREAKER_KEYS =
      new BreakerKeys(BreakerPolicy.DEPENDENCY_DEFAULT);
  static final ConfigDef DEPENDENCY_BREAKER_DEF = DEPENDENCY_BREAKER_KEYS.def(
      "resilience.*.circuit-breaker",
      "The circuit breaker of `resilience.store` and `resilience.outbound`.");

  // --- routes

  static final ConfigKey<List<String>> ROUTE_TYPES = ConfigKey.strings("types").required()
      .validator(Validator.notEmpty()).validator(TYPE_PATTERNS)
      .doc("The event types this route fans out.");
  static final ConfigKey<List<String>> ROUTE_PROCESSORS = ConfigKey.strings("processors")
      .required().validator(Validator.notEmpty())
      .doc("The names of configured processors that each receive every event.");
  static final ConfigKey<MergeMode> MERGE = ConfigKey.enumeration("merge", MergeMode.class)
      .defaultValue(MergeMode.ALL)
      .doc("`all` waits for every processor (OK only if all are OK); `first-success` answers"
          + " with the first OK result and cancels the rest.");
  static final ConfigKey<Duration> ROUTE_TIMEOUT = ConfigKey.duration("timeout")
      .validator(Validator.positive())
      .doc("The fan-out deadline. Defaults to the longest timeout among its processors.");

  static final ConfigDef ROUTE_DEF = ConfigDef.section("routes[]",
          "Each entry of the `routes` list sends events of its types to several processors and"
              + " merges their results into one.")
      .define(ROUTE_TYPES).define(ROUTE_PROCESSORS).define(MERGE).define(ROUTE_TIMEOUT);

  /** The core sections, in reference order. */
  static final List<ConfigDef> ALL =
      List.of(ROOT, SERVER_DEF, TRANSPORT_DEF, PROCESSOR_DEF, RETRY_DEF, BREAKER_DEF, ROUTE_DEF,
          RESILIENCE_DEF, STORE_RESILIENCE_DEF, OUTBOUND_RESILIENCE_DEF, DEPENDENCY_BREAKER_DEF);
}
