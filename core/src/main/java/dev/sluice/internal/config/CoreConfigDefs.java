package dev.sluice.internal.config;

import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.MergeMode;
import dev.sluice.config.Ordering;
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

  static final ConfigDef ROOT = ConfigDef.section("(top level)",
          "The sections of `conf/sluice.yaml`. Any other top-level key is an error.")
      .define(SERVER).define(TRANSPORT).define(PROCESSORS).define(ROUTES)
      .define(STORE).define(SECURITY).define(ADMIN);

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
      .doc("How long one event may take before its result is `TIMEOUT`.");
  static final ConfigKey<Ordering> ORDERING = ConfigKey.enumeration("ordering", Ordering.class)
      .defaultValue(Ordering.NONE)
      .doc("`partition-key` keeps events with the same partition key in arrival order"
          + " (different keys still run in parallel).");
  static final ConfigKey<Settings> PROCESSOR_SETTINGS = ConfigKey.section("settings")
      .doc("Free-form settings read by the processor itself.");

  static final ConfigDef PROCESSOR_DEF = ConfigDef.section("processors[]",
          "Each entry of the `processors` list runs one processor plugin.")
      .define(PROCESSOR_NAME).define(PROCESSOR_PLUGIN).define(PROCESSOR_TYPES)
      .define(CONCURRENCY).define(QUEUE_CAPACITY).define(PROCESSOR_TIMEOUT).define(ORDERING)
      .define(PROCESSOR_SETTINGS);

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
      List.of(ROOT, SERVER_DEF, TRANSPORT_DEF, PROCESSOR_DEF, ROUTE_DEF);
}
