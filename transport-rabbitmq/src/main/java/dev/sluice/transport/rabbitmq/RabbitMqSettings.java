package dev.sluice.transport.rabbitmq;

import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import dev.sluice.config.Validator;
import dev.sluice.security.tls.TlsConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code transport.rabbitmq} section, bound and validated. The declarations ({@link #DEF},
 * {@link #CLIENT_DEF}, {@link #TLS_DEF}) also generate the configuration reference.
 *
 * <pre>{@code
 * transport:
 *   type: rabbitmq
 *   rabbitmq:
 *     uri: amqp://sluice:${RABBIT_PASSWORD}@mq.internal:5672/prod
 *     queue: orders.requests
 *     queue-type: quorum
 *     exchange: orders              # optional; bound with routing-keys
 *     routing-keys: [orders.#]
 *     prefetch: 250
 * }</pre>
 *
 * <p>Instances are immutable. {@link #toString()} and {@link #maskedUri()} never show the
 * password of the URI.
 */
public final class RabbitMqSettings {
  /** The default broker: the local one, as guest. */
  public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672/";

  /** How the queue is declared. */
  public enum QueueType {
    CLASSIC, QUORUM
  }

  /** The type of the exchange the queue is bound to, when one is configured. */
  public enum ExchangeType {
    DIRECT, TOPIC, FANOUT, HEADERS
  }

  public static final ConfigKey<Secret> URI = ConfigKey.secret("uri")
      .defaultValue(Secret.of(DEFAULT_URI))
      .doc("The broker: amqp://user:password@host:port/vhost, or amqps:// for TLS. Default "
          + DEFAULT_URI + " (the password is masked in every log and dump).");
  public static final ConfigKey<String> QUEUE = ConfigKey.string("queue")
      .defaultValue("sluice.requests").validator(Validator.notBlank())
      .doc("The queue servers consume and clients send to; declared durable at start.");
  public static final ConfigKey<QueueType> QUEUE_TYPE =
      ConfigKey.enumeration("queue-type", QueueType.class).defaultValue(QueueType.CLASSIC)
          .doc("classic, or quorum for a replicated queue whose delivery limit also stops a"
              + " message that crashes servers from being redelivered forever.");
  public static final ConfigKey<String> EXCHANGE = ConfigKey.string("exchange")
      .doc("An exchange to declare and bind the queue to. Clients then publish to it with the"
          + " event type as routing key; without it they publish straight to the queue.");
  public static final ConfigKey<ExchangeType> EXCHANGE_TYPE =
      ConfigKey.enumeration("exchange-type", ExchangeType.class).defaultValue(ExchangeType.TOPIC)
          .doc("The type of exchange.");
  public static final ConfigKey<List<String>> ROUTING_KEYS = ConfigKey.strings("routing-keys")
      .doc("Binding keys of the queue to exchange; default # (every event type).");
  public static final ConfigKey<Integer> PREFETCH = ConfigKey.integer("prefetch")
      .defaultValue(250).validator(Validator.atLeast(1))
      .doc("How many unacknowledged messages the broker may push to one server: the bound on"
          + " its events in flight.");
  public static final ConfigKey<String> DEAD_LETTER_EXCHANGE =
      ConfigKey.string("dead-letter-exchange").validator(Validator.notBlank())
          .doc("The fanout exchange that failed and malformed messages go to; default"
              + " <queue>.dlx.");
  public static final ConfigKey<String> DEAD_LETTER_QUEUE = ConfigKey.string("dead-letter-queue")
      .validator(Validator.notBlank())
      .doc("The durable queue bound to the dead-letter exchange; default <queue>.dead.");
  public static final ConfigKey<Boolean> PERSISTENT = ConfigKey.bool("persistent")
      .defaultValue(true)
      .doc("Whether requests and follow-on events are published persistent, so that they"
          + " survive a broker restart.");
  public static final ConfigKey<Integer> MAX_EVENT_BYTES = ConfigKey.integer("max-event-bytes")
      .defaultValue(1 << 20).validator(Validator.atLeast(1024))
      .doc("The largest event a server accepts: the body plus the names and values of the"
          + " cloudEvents: headers and the content type, in UTF-8 bytes.");
  public static final ConfigKey<Duration> REQUEST_TIMEOUT = ConfigKey.duration("request-timeout")
      .defaultValue(Duration.ofSeconds(30)).validator(Validator.positive())
      .doc("The deadline a server gives a message that carries no expiration.");
  public static final ConfigKey<Duration> CONNECTION_TIMEOUT =
      ConfigKey.duration("connection-timeout").defaultValue(Duration.ofSeconds(5))
          .validator(Validator.positive())
          .doc("How long opening a connection may take.");
  public static final ConfigKey<Duration> RECOVERY_INTERVAL =
      ConfigKey.duration("recovery-interval").defaultValue(Duration.ofSeconds(2))
          .validator(Validator.positive())
          .doc("How often a lost connection is retried; servers and clients recover by"
              + " themselves.");
  public static final ConfigKey<Duration> HEARTBEAT = ConfigKey.duration("heartbeat")
      .defaultValue(Duration.ofSeconds(10)).validator(Validator.positive())
      .doc("The AMQP heartbeat: a silent broker is found dead after about twice this.");
  public static final ConfigKey<Settings> CLIENT = ConfigKey.section("client")
      .doc("Options of the client side (sluice send, sluice bench): see"
          + " transport.rabbitmq.client.");
  public static final ConfigKey<Settings> TLS = ConfigKey.section("tls")
      .doc("TLS for amqps:// URIs, the keys of security.tls (trust-file, cert-file, key-file,"
          + " keystore, ...); what it leaves out comes from security.tls.");

  /** The {@code transport.rabbitmq} section. */
  public static final ConfigDef DEF = ConfigDef.section("transport.rabbitmq",
          "The RabbitMQ transport (transport.type: rabbitmq): servers consume a durable queue as"
              + " competing consumers; clients send with Direct Reply-to and publisher"
              + " confirms. See docs/transports.md.")
      .define(URI).define(QUEUE).define(QUEUE_TYPE).define(EXCHANGE).define(EXCHANGE_TYPE)
      .define(ROUTING_KEYS).define(PREFETCH).define(DEAD_LETTER_EXCHANGE)
      .define(DEAD_LETTER_QUEUE).define(PERSISTENT).define(MAX_EVENT_BYTES)
      .define(REQUEST_TIMEOUT).define(CONNECTION_TIMEOUT).define(RECOVERY_INTERVAL)
      .define(HEARTBEAT).define(CLIENT).define(TLS);

  public static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.integer("max-in-flight")
      .defaultValue(10_000).validator(Validator.atLeast(1))
      .doc("Requests one client keeps in flight at most; beyond it send answers OVERLOADED.");

  /** The {@code transport.rabbitmq.client} section. */
  public static final ConfigDef CLIENT_DEF = ConfigDef.section("transport.rabbitmq.client",
          "The client side of the RabbitMQ transport.")
      .define(MAX_IN_FLIGHT);

  /**
   * The {@code transport.rabbitmq.tls} section: the shared TLS keys of
   * {@link TlsConfig#DEF} ({@code trust-file}, {@code cert-file}/{@code key-file} or
   * {@code keystore} for a client certificate, ...). Keys it leaves out come from
   * {@code security.tls}; protocols and suites are the shared policy's.
   */
  public static final ConfigDef TLS_DEF = TlsConfig.DEF;

  /**
   * Every section this transport declares, for the configuration reference; the {@code tls}
   * section's keys are those of {@link TlsConfig#DEF}, documented once with {@code security.tls}.
   */
  public static final List<ConfigDef> ALL = List.of(DEF, CLIENT_DEF);

  private final Secret uri;
  private final String queue;
  private final QueueType queueType;
  private final String exchange;
  private final ExchangeType exchangeType;
  private final List<String> routingKeys;
  private final int prefetch;
  private final String deadLetterExchange;
  private final String deadLetterQueue;
  private final boolean persistent;
  private final int maxEventBytes;
  private final Duration requestTimeout;
  private final Duration connectionTimeout;
  private final Duration recoveryInterval;
  private final Duration heartbeat;
  private final int maxInFlight;
  private final boolean tlsEnabled;
  private final TlsConfig tls;

  private RabbitMqSettings(ConfigValues v, ConfigValues client, boolean tlsEnabled,
      TlsConfig tls) {
    this.uri = v.get(URI);
    this.queue = v.get(QUEUE);
    this.queueType = v.get(QUEUE_TYPE);
    this.exchange = v.find(EXCHANGE).filter(s -> !s.isBlank()).orElse(null);
    this.exchangeType = v.get(EXCHANGE_TYPE);
    List<String> keys = v.get(ROUTING_KEYS);
    this.routingKeys = keys == null || keys.isEmpty() ? List.of("#") : List.copyOf(keys);
    this.prefetch = v.get(PREFETCH);
    this.deadLetterExchange = v.find(DEAD_LETTER_EXCHANGE).orElse(queue + ".dlx");
    this.deadLetterQueue = v.find(DEAD_LETTER_QUEUE).orElse(queue + ".dead");
    this.persistent = v.get(PERSISTENT);
    this.maxEventBytes = v.get(MAX_EVENT_BYTES);
    this.requestTimeout = v.get(REQUEST_TIMEOUT);
    this.connectionTimeout = v.get(CONNECTION_TIMEOUT);
    this.recoveryInterval = v.get(RECOVERY_INTERVAL);
    this.heartbeat = v.get(HEARTBEAT);
    this.maxInFlight = client.get(MAX_IN_FLIGHT);
    this.tlsEnabled = tlsEnabled;
    this.tls = tls;
  }

  /**
   * Reads and validates the section.
   *
   * @throws ConfigException with every problem found: unknown keys, wrong types, a URI that is
   *     not amqp:// or amqps://, TLS keys without TLS
   */
  public static RabbitMqSettings from(Settings settings) {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues values = DEF.bind(settings, problems);
    Settings clientSection = settings.section(CLIENT.name());
    ConfigValues client = CLIENT_DEF.bind(clientSection, problems);
    Settings tlsSection = settings.section(TLS.name());
    TlsConfig tlsConfig = null;
    try {
      tlsConfig = TlsConfig.from(tlsSection);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    Secret uri = values.get(URI);
    String scheme = "";
    try {
      URI parsed = new URI(uri.reveal());
      scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
        problems.add(new ConfigProblem(path(settings, "uri"), settings.line("uri"),
            "expected an amqp:// or amqps:// URI, got " + maskUri(uri.reveal())));
      } else if (parsed.getHost() == null) {
        problems.add(new ConfigProblem(path(settings, "uri"), settings.line("uri"),
            "the URI " + maskUri(uri.reveal()) + " names no host"));
      }
    } catch (URISyntaxException e) {
      problems.add(new ConfigProblem(path(settings, "uri"), settings.line("uri"),
          "not a valid URI (" + e.getReason() + "); write amqp://user:password@host:5672/vhost"));
    }
    Boolean tlsFlag = tlsConfig != null && tlsSection.has("enabled") ? tlsConfig.enabled() : null;
    boolean tlsOn = scheme.equals("amqps") || Boolean.TRUE.equals(tlsFlag);
    if (Boolean.FALSE.equals(tlsFlag) && scheme.equals("amqps")) {
      problems.add(new ConfigProblem(path(tlsSection, "enabled"), tlsSection.line("enabled"),
          "tls.enabled is false but the URI is amqps://; use amqp:// or remove enabled: false"));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(settings.origin(), problems);
    }
    return new RabbitMqSettings(values, client, tlsOn, tlsConfig);
  }

  /** The settings with every default, for the local broker. */
  public static RabbitMqSettings defaults() {
    return from(Settings.empty("transport.rabbitmq"));
  }

  private static String path(Settings s, String key) {
    return s.path().isEmpty() ? key : s.path() + "." + key;
  }

  /** {@code amqp://guest:guest@host/} as {@code amqp://guest:[hidden]@host/}. */
  public static String maskUri(String uri) {
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return uri;
    }
    int colon = uri.indexOf(':', scheme + 3);
    if (colon < 0 || colon > at) {
      return uri;
    }
    return uri.substring(0, colon + 1) + "[hidden]" + uri.substring(at);
  }

  public Secret uri() {
    return uri;
  }

  /** The URI with its password replaced by {@code [hidden]}, for logs and messages. */
  public String maskedUri() {
    return maskUri(uri.reveal());
  }

  public String queue() {
    return queue;
  }

  public QueueType queueType() {
    return queueType;
  }

  /** The exchange the queue is bound to; empty when clients publish to the queue directly. */
  public Optional<String> exchange() {
    return Optional.ofNullable(exchange);
  }

  public ExchangeType exchangeType() {
    return exchangeType;
  }

  public List<String> routingKeys() {
    return routingKeys;
  }

  public int prefetch() {
    return prefetch;
  }

  public String deadLetterExchange() {
    return deadLetterExchange;
  }

  public String deadLetterQueue() {
    return deadLetterQueue;
  }

  public boolean persistent() {
    return persistent;
  }

  public int maxEventBytes() {
    return maxEventBytes;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  public Duration recoveryInterval() {
    return recoveryInterval;
  }

  public Duration heartbeat() {
    return heartbeat;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  /** Whether connections use TLS: an amqps:// URI, or {@code tls.enabled: true}. */
  public boolean tlsEnabled() {
    return tlsEnabled;
  }

  /**
   * This section's {@code tls} keys, before {@link TlsConfig#orShared} fills in what they leave
   * out from {@code security.tls}.
   */
  public TlsConfig tls() {
    return tls;
  }

  @Override
  public String toString() {
    return "RabbitMqSettings{uri=" + maskedUri() + ", queue=" + queue + ", queue-type="
        + queueType.name().toLowerCase(Locale.ROOT) + ", exchange=" + exchange
        + ", routing-keys=" + routingKeys + ", prefetch=" + prefetch
        + ", dead-letter-exchange=" + deadLetterExchange + ", dead-letter-queue="
        + deadLetterQueue + ", tls=" + tlsEnabled + "}";
  }
}
