package dev.sluice.transport.kafka;

import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.Settings;
import dev.sluice.config.Validator;
import dev.sluice.security.tls.TlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code transport.kafka} section, read and validated once; every problem is reported at
 * once with its key path and line. Immutable.
 *
 * <pre>{@code
 * transport:
 *   type: kafka
 *   kafka:
 *     bootstrap-servers: kafka-1:9092,kafka-2:9092
 *     topics: [orders.requests]
 *     group: order-service
 *     consumer: {session.timeout.ms: 10000}
 * }</pre>
 *
 * <p>{@link #DEF}, {@link #CREATE_TOPICS_DEF} are the declarations the configuration
 * reference is generated from; the {@code tls} section is {@link TlsConfig#DEF}, shared with
 * {@code security.tls}.
 */
public final class KafkaSettings {

  /** How the source orders the events of one partition. */
  public enum Ordering {
    /** Events with the same record key in order; different keys (and keyless events) in parallel. */
    KEY,
    /** Every event of a partition in offset order, one at a time. */
    PARTITION,
    /** No ordering: every event in parallel. */
    NONE
  }

  public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.string("bootstrap-servers")
      .defaultValue("127.0.0.1:9092").validator(Validator.notBlank())
      .doc("The Kafka brokers to bootstrap from, host:port separated by commas.");
  public static final ConfigKey<List<String>> TOPICS = ConfigKey.strings("topics")
      .defaultValue(List.of("sluice.requests")).validator(Validator.notEmpty())
      .doc("The topics the server consumes; clients send requests to the first one.");
  public static final ConfigKey<String> GROUP = ConfigKey.string("group")
      .defaultValue("sluice").validator(Validator.notBlank())
      .doc("The consumer group of the servers: servers of one group share the partitions.");
  public static final ConfigKey<String> REPLY_TOPIC = ConfigKey.string("reply-topic")
      .defaultValue("")
      .doc("Client: the topic it reads its replies from. Empty: a topic of its own, named "
          + "sluice.replies.<random>, created on first use and deleted on close (needs "
          + "create-topics.allowed).");
  public static final ConfigKey<Integer> REPLY_PARTITION = ConfigKey.integer("reply-partition")
      .defaultValue(-1).validator(Validator.atLeast(-1))
      .doc("Client: the one partition of reply-topic it reads (servers reply there), so that "
          + "clients can share a reply topic; -1 reads every partition and keeps only its own "
          + "replies.");
  public static final ConfigKey<String> DEAD_LETTER_TOPIC = ConfigKey.string("dead-letter-topic")
      .defaultValue("sluice.dead-letters")
      .doc("Where the server puts events that finally failed and records it cannot decode, with "
          + "the error in headers. Empty: they are logged and skipped.");
  public static final ConfigKey<Integer> MAX_EVENT_BYTES = ConfigKey.integer("max-event-bytes")
      .defaultValue(1_000_000).validator(Validator.atLeast(1024))
      .doc("The largest event accepted: the record value plus the names and values of its ce_ "
          + "and content-type headers. Keep it below the broker's message.max.bytes.");
  public static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.integer("max-in-flight")
      .defaultValue(2_000).validator(Validator.atLeast(1))
      .doc("Records a server holds (processing or waiting behind their key) before it pauses "
          + "its partitions.");
  public static final ConfigKey<Ordering> ORDERING = ConfigKey.enumeration("ordering",
      Ordering.class).defaultValue(Ordering.KEY)
      .doc("key: events with the same record key in offset order, different keys in parallel, "
          + "also within one partition; partition: one event per partition at a time; none.");
  public static final ConfigKey<Integer> MAX_ATTEMPTS = ConfigKey.integer("max-attempts")
      .defaultValue(3).validator(Validator.atLeast(1))
      .doc("Attempts for an event whose result is retryable (OVERLOADED, UNAVAILABLE) before it "
          + "is answered and dead-lettered.");
  public static final ConfigKey<Duration> RETRY_BACKOFF = ConfigKey.duration("retry-backoff")
      .defaultValue(Duration.ofMillis(200)).validator(Validator.positive())
      .doc("The pause before the second attempt; it doubles with each further attempt, up to "
          + "5s, and no attempt starts after the event's deadline.");
  public static final ConfigKey<Duration> COMMIT_INTERVAL = ConfigKey.duration("commit-interval")
      .defaultValue(Duration.ofSeconds(1)).validator(Validator.positive())
      .doc("How often the server commits the offsets of completed events.");
  public static final ConfigKey<Duration> REVOKE_TIMEOUT = ConfigKey.duration("revoke-timeout")
      .defaultValue(Duration.ofSeconds(10)).validator(Validator.positive())
      .doc("When partitions are taken away in a rebalance, how long the server waits for their "
          + "events in progress before it commits what completed and lets the rest go to the "
          + "new owner.");
  public static final ConfigKey<Duration> EVENT_TIMEOUT = ConfigKey.duration("event-timeout")
      .defaultValue(Duration.ofMinutes(5)).validator(Validator.positive())
      .doc("The deadline of an event whose sender set none (no sluice_deadline_ms header).");
  public static final ConfigKey<Duration> CONNECT_TIMEOUT = ConfigKey.duration("connect-timeout")
      .defaultValue(Duration.ofSeconds(10)).validator(Validator.positive())
      .doc("Client: how long it tries to reach the cluster before requests fail with "
          + "UNAVAILABLE.");
  public static final ConfigKey<Settings> CREATE_TOPICS = ConfigKey.section("create-topics")
      .doc("Creating missing topics on start: see transport.kafka.create-topics.");
  public static final ConfigKey<Settings> TLS = ConfigKey.section("tls")
      .doc("TLS to the brokers: the shared tls section (trust-file, cert-file, key-file, "
          + "keystore, ...; see security.tls). When it is present and enabled is not false, "
          + "the transport connects with TLS under the shared policy (TLS 1.3 and 1.2, the "
          + "policy's cipher suites, host names checked), taking the key material and trust it "
          + "lacks from security.tls. Absent: plaintext.");
  public static final ConfigKey<Settings> CONSUMER = ConfigKey.section("consumer")
      .doc("Kafka consumer properties passed through as they are, such as session.timeout.ms; "
          + "they override Sluice's.");
  public static final ConfigKey<Settings> PRODUCER = ConfigKey.section("producer")
      .doc("Kafka producer properties passed through as they are.");
  public static final ConfigKey<Settings> ADMIN = ConfigKey.section("admin")
      .doc("Kafka admin client properties passed through as they are.");
  public static final ConfigKey<Settings> COMMON = ConfigKey.section("common")
      .doc("Properties given to the consumer, the producer and the admin client alike, such "
          + "as security.protocol, sasl.mechanism and sasl.jaas.config; values whose names "
          + "say password or jaas are masked in every dump and log.");

  public static final ConfigKey<Boolean> CREATE_ALLOWED = ConfigKey.bool("allowed")
      .defaultValue(true)
      .doc("Whether missing topics (requests, dead letters, a client's own reply topic) are "
          + "created.");
  public static final ConfigKey<Integer> CREATE_PARTITIONS = ConfigKey.integer("partitions")
      .defaultValue(6).validator(Validator.atLeast(1))
      .doc("Partitions of a created request or dead-letter topic.");
  public static final ConfigKey<Integer> CREATE_REPLICATION = ConfigKey.integer("replication")
      .defaultValue(0).validator(Validator.atLeast(0))
      .doc("Replicas of a created topic; 0 takes the broker's default.replication.factor.");

  /** The declared keys of {@code transport.kafka}. */
  public static final ConfigDef DEF = ConfigDef.section("transport.kafka",
          "The Kafka transport: servers consume request topics in a consumer group, clients "
              + "send requests and read replies from a reply topic. See docs/transports.md.")
      .define(BOOTSTRAP_SERVERS).define(TOPICS).define(GROUP).define(REPLY_TOPIC)
      .define(REPLY_PARTITION).define(DEAD_LETTER_TOPIC).define(MAX_EVENT_BYTES)
      .define(MAX_IN_FLIGHT).define(ORDERING).define(MAX_ATTEMPTS).define(RETRY_BACKOFF)
      .define(COMMIT_INTERVAL).define(REVOKE_TIMEOUT).define(EVENT_TIMEOUT)
      .define(CONNECT_TIMEOUT).define(CREATE_TOPICS).define(TLS).define(COMMON)
      .define(CONSUMER).define(PRODUCER).define(ADMIN);

  /** The declared keys of {@code transport.kafka.create-topics}. */
  public static final ConfigDef CREATE_TOPICS_DEF = ConfigDef.section(
          "transport.kafka.create-topics", "Creating missing topics when the server or client "
              + "starts.")
      .define(CREATE_ALLOWED).define(CREATE_PARTITIONS).define(CREATE_REPLICATION);

  /** Keys of the transport's own TLS section before it became the shared one, and their heirs. */
  private static final Map<String, String> RENAMED_TLS_KEYS = Map.of(
      "ca-file", "trust-file",
      "certificate-file", "cert-file",
      "verify-hostname", "common: {ssl.endpoint.identification.algorithm: \"\"} (to turn the "
          + "check off)");

  private final ConfigValues values;
  private final ConfigValues createTopics;
  private final TlsConfig tls;

  private KafkaSettings(ConfigValues values, ConfigValues createTopics, TlsConfig tls) {
    this.values = values;
    this.createTopics = createTopics;
    this.tls = tls;
  }

  /**
   * Reads and validates the section, without shared TLS material.
   *
   * @throws ConfigException listing every problem of the section
   */
  public static KafkaSettings from(Settings settings) {
    return from(settings, Settings.empty("security"));
  }

  /**
   * Reads and validates the section; its {@code tls} section takes the key material and trust
   * it lacks from {@code security.tls} of {@code security}.
   *
   * @throws ConfigException listing every problem of the section (and of security.tls when TLS
   *     is on), each with its key path
   */
  public static KafkaSettings from(Settings settings, Settings security) {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues values = DEF.bind(settings, problems);
    ConfigValues create = CREATE_TOPICS_DEF.bind(sectionOrEmpty(values, CREATE_TOPICS, settings),
        problems);
    TlsConfig tls = settings.has(TLS.name()) ? tls(settings.section(TLS.name()), security,
        problems) : null;
    if (!problems.isEmpty()) {
      throw new ConfigException(settings.origin(), problems);
    }
    return new KafkaSettings(values, create, tls != null && tls.enabled() ? tls : null);
  }

  private static TlsConfig tls(Settings section, Settings security, List<ConfigProblem> problems) {
    for (String old : RENAMED_TLS_KEYS.keySet()) {
      if (section.has(old)) {
        problems.add(new ConfigProblem(section.path() + "." + old, section.line(old),
            "the Kafka tls section is now the shared tls section: use "
                + RENAMED_TLS_KEYS.get(old) + " instead of " + old));
      }
    }
    TlsConfig own;
    try {
      own = TlsConfig.from(section);
    } catch (ConfigException e) {
      e.problems().stream()
          .filter(p -> RENAMED_TLS_KEYS.keySet().stream()
              .noneMatch(old -> p.path().equals(section.path() + "." + old)))
          .forEach(problems::add);
      return null;
    }
    if (!own.enabled()) {
      return own;
    }
    try {
      return own.orShared(TlsConfig.from(security.section("tls")));
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return null;
    }
  }

  private static Settings sectionOrEmpty(ConfigValues values, ConfigKey<Settings> key,
      Settings parent) {
    Settings s = values.get(key);
    return s != null ? s : Settings.empty(parent.path() + "." + key.name());
  }

  public String bootstrapServers() {
    return values.get(BOOTSTRAP_SERVERS);
  }

  public List<String> topics() {
    return values.get(TOPICS);
  }

  /** The topic clients send requests to: the first of {@link #topics()}. */
  public String requestTopic() {
    return topics().get(0);
  }

  public String group() {
    return values.get(GROUP);
  }

  public Optional<String> replyTopic() {
    return nonEmpty(values.get(REPLY_TOPIC));
  }

  public int replyPartition() {
    return values.get(REPLY_PARTITION);
  }

  public Optional<String> deadLetterTopic() {
    return nonEmpty(values.get(DEAD_LETTER_TOPIC));
  }

  public int maxEventBytes() {
    return values.get(MAX_EVENT_BYTES);
  }

  public int maxInFlight() {
    return values.get(MAX_IN_FLIGHT);
  }

  public Ordering ordering() {
    return values.get(ORDERING);
  }

  public int maxAttempts() {
    return values.get(MAX_ATTEMPTS);
  }

  public Duration retryBackoff() {
    return values.get(RETRY_BACKOFF);
  }

  public Duration commitInterval() {
    return values.get(COMMIT_INTERVAL);
  }

  public Duration revokeTimeout() {
    return values.get(REVOKE_TIMEOUT);
  }

  public Duration eventTimeout() {
    return values.get(EVENT_TIMEOUT);
  }

  public Duration connectTimeout() {
    return values.get(CONNECT_TIMEOUT);
  }

  public boolean createTopicsAllowed() {
    return createTopics.get(CREATE_ALLOWED);
  }

  public int createPartitions() {
    return createTopics.get(CREATE_PARTITIONS);
  }

  /** Replicas of created topics; empty for the broker's default. */
  public Optional<Short> createReplication() {
    int r = createTopics.get(CREATE_REPLICATION);
    return r == 0 ? Optional.empty() : Optional.of((short) r);
  }

  /** Whether the transport connects with TLS: a {@code tls} section that is not turned off. */
  public boolean tlsEnabled() {
    return tls != null;
  }

  /** The TLS section, with what it lacks taken from {@code security.tls}; empty when TLS is off. */
  public Optional<TlsConfig> tls() {
    return Optional.ofNullable(tls);
  }

  /** The {@code common} pass-through properties, values in clear: hand them only to Kafka. */
  public Map<String, String> commonProperties() {
    return passThrough(COMMON);
  }

  /** The {@code consumer} pass-through properties, values in clear: hand them only to Kafka. */
  public Map<String, String> consumerProperties() {
    return passThrough(CONSUMER);
  }

  /** The {@code producer} pass-through properties, values in clear: hand them only to Kafka. */
  public Map<String, String> producerProperties() {
    return passThrough(PRODUCER);
  }

  /** The {@code admin} pass-through properties, values in clear: hand them only to Kafka. */
  public Map<String, String> adminProperties() {
    return passThrough(ADMIN);
  }

  private Map<String, String> passThrough(ConfigKey<Settings> key) {
    Settings section = values.get(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (section != null) {
      for (String name : section.keys()) {
        out.put(name, section.string(name).orElse(""));
      }
    }
    return out;
  }

  private static Optional<String> nonEmpty(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }

  /** The settings without secrets, for logs. */
  @Override
  public String toString() {
    return "KafkaSettings{bootstrap-servers=" + bootstrapServers() + ", topics=" + topics()
        + ", group=" + group() + ", tls=" + tlsEnabled() + "}";
  }
}
