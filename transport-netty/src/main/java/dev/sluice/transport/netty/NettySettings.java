package dev.sluice.transport.netty;

import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import dev.sluice.config.Validator;
import dev.sluice.security.tls.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code transport.netty} section, read by both the server and the client (so one file
 * reaches the server it starts).
 *
 * <pre>{@code
 * transport:
 *   type: netty
 *   netty:
 *     host: 0.0.0.0
 *     port: 7443
 *     tls:
 *       cert-file: /etc/sluice/server.pem
 *       key-file: /etc/sluice/server-key.pem
 *     client:
 *       pinned-sha256: 3F:A1:...:09
 * }</pre>
 *
 * <p>{@link #DEF} and {@link #CLIENT_DEF} declare every key for the configuration reference.
 * Immutable.
 */
public final class NettySettings {
  /** Which TLS implementation to use. */
  public enum Engine {
    /** OpenSSL (BoringSSL from netty-tcnative) when it loads, else the JDK's. */
    AUTO,
    /** BoringSSL through netty-tcnative; start-up fails if it does not load. */
    OPENSSL,
    /** The JDK's SSLEngine. */
    JDK
  }

  public static final ConfigKey<String> HOST = ConfigKey.string("host").defaultValue("127.0.0.1")
      .validator(Validator.notBlank())
      .doc("The address the server listens on and the client connects to. 0.0.0.0 listens on "
          + "every interface.");
  public static final ConfigKey<Integer> PORT = ConfigKey.integer("port").defaultValue(7443)
      .validator(Validator.of("a port from 0 to 65535", p -> p >= 0 && p <= 65535))
      .doc("The TCP port; 0 lets a server pick a free one (tests).");
  public static final ConfigKey<Settings> TLS = ConfigKey.section("tls")
      .doc("TLS material and trust (see the tls section); falls back to security.tls.");
  public static final ConfigKey<Engine> ENGINE =
      ConfigKey.enumeration("engine", Engine.class).defaultValue(Engine.AUTO)
          .doc("TLS implementation: auto (OpenSSL when it loads, else the JDK), openssl, jdk.");
  public static final ConfigKey<Boolean> PLAINTEXT_BEYOND_LOOPBACK =
      ConfigKey.bool("plaintext-beyond-loopback").defaultValue(false)
          .doc("With tls.enabled false, also listen on a non-loopback address. Everything, "
              + "passwords included, then crosses the network in clear text.");
  public static final ConfigKey<Integer> MAX_FRAME_BYTES = ConfigKey.integer("max-frame-bytes")
      .defaultValue(1 << 20).validator(Validator.atLeast(1024))
      .doc("The largest frame a server accepts (its length field); a larger one gets an ERROR "
          + "TOO_LARGE and the connection closes.");
  public static final ConfigKey<Integer> MAX_ATTRIBUTE_BYTES =
      ConfigKey.integer("max-attribute-bytes").defaultValue(4096)
          .validator(Validator.of("from 64 to 65534", n -> n >= 64 && n <= 65534))
          .doc("The largest attribute or extension value, in UTF-8 bytes.");
  public static final ConfigKey<Integer> MAX_EXTENSIONS = ConfigKey.integer("max-extensions")
      .defaultValue(32).validator(Validator.atLeast(0))
      .doc("The most extension attributes one event may carry.");
  public static final ConfigKey<Integer> MAX_IN_FLIGHT =
      ConfigKey.integer("max-in-flight-per-connection").defaultValue(1024)
          .validator(Validator.atLeast(1))
          .doc("Requests one connection may have in processing; beyond it the server stops "
              + "reading that connection until half have been answered.");
  public static final ConfigKey<Duration> HANDSHAKE_TIMEOUT =
      ConfigKey.duration("handshake-timeout").defaultValue(Duration.ofSeconds(10))
          .validator(Validator.positive())
          .doc("Time from connect to a completed TLS handshake and HELLO/WELCOME exchange.");
  public static final ConfigKey<Duration> IDLE_TIMEOUT =
      ConfigKey.duration("idle-timeout").defaultValue(Duration.ofSeconds(60))
          .validator(Validator.positive())
          .doc("A connection that sends nothing for this long (not even a PING) is closed.");
  public static final ConfigKey<Duration> HEARTBEAT = ConfigKey.duration("heartbeat-interval")
      .defaultValue(Duration.ofSeconds(15)).validator(Validator.positive())
      .doc("How often a quiet client sends PING; capped to a third of the server's "
          + "idle-timeout.");
  public static final ConfigKey<Duration> REQUEST_TIMEOUT =
      ConfigKey.duration("request-timeout").defaultValue(Duration.ofSeconds(30))
          .validator(Validator.positive())
          .doc("The deadline of an event whose frame carries none (timeout 0).");
  public static final ConfigKey<Integer> IO_THREADS = ConfigKey.integer("io-threads")
      .defaultValue(0).validator(Validator.atLeast(0))
      .doc("Event loop threads; 0 means one per core. Nothing blocks on them (blocking "
          + "processors run on workers), so more than one per core only adds switches.");
  public static final ConfigKey<Settings> CLIENT = ConfigKey.section("client")
      .doc("Client options (see transport.netty.client).");

  public static final ConfigKey<Integer> CONNECTIONS = ConfigKey.integer("connections")
      .defaultValue(2).validator(Validator.atLeast(1))
      .doc("Connections in the client's pool. Requests are pipelined on them and spread "
          + "round-robin, except that events with the same partition key always share one "
          + "connection, so the server receives them in the order they were sent.");
  public static final ConfigKey<Duration> CONNECT_TIMEOUT =
      ConfigKey.duration("connect-timeout").defaultValue(Duration.ofSeconds(5))
          .validator(Validator.positive()).doc("Time allowed for the TCP connect.");
  public static final ConfigKey<Path> CA_FILE = ConfigKey.path("ca-file")
      .doc("Trust servers whose certificate chains to a CA in this PEM (or PKCS#12) file.");
  public static final ConfigKey<String> PINNED_SHA256 = ConfigKey.string("pinned-sha256")
      .doc("Trust exactly the server certificate with this SHA-256 fingerprint (as the server "
          + "logs it), whoever signed it; host names are not checked.");
  public static final ConfigKey<Boolean> INSECURE = ConfigKey.bool("insecure")
      .defaultValue(false)
      .doc("Trust any server certificate. For experiments only: logs a warning.");
  public static final ConfigKey<Path> CLIENT_CERT_FILE = ConfigKey.path("cert-file")
      .doc("The client's own certificate chain (PEM), for servers with client-auth.");
  public static final ConfigKey<Path> CLIENT_KEY_FILE = ConfigKey.path("key-file")
      .doc("The private key of the client's cert-file (PEM).");
  public static final ConfigKey<Secret> CLIENT_KEY_PASSWORD = ConfigKey.secret("key-password")
      .doc("Password of an encrypted client key-file.");
  public static final ConfigKey<Duration> BACKOFF_INITIAL =
      ConfigKey.duration("reconnect-backoff").defaultValue(Duration.ofMillis(100))
          .validator(Validator.positive())
          .doc("Wait after a failed connect before the next attempt; doubles per failure.");
  public static final ConfigKey<Duration> BACKOFF_MAX =
      ConfigKey.duration("reconnect-backoff-max").defaultValue(Duration.ofSeconds(5))
          .validator(Validator.positive()).doc("The longest wait between connect attempts.");
  public static final ConfigKey<Integer> MAX_RESULT_BYTES = ConfigKey.integer("max-result-bytes")
      .defaultValue(16 << 20).validator(Validator.atLeast(1024))
      .doc("The largest frame the client accepts from the server.");

  public static final ConfigDef CLIENT_DEF = ConfigDef.section("transport.netty.client",
          "How a client reaches a netty server: pool size, trust (ca-file, pinned-sha256 or "
              + "insecure; by default the JDK's CAs plus a development certificate in the "
              + "data directory), its own certificate and reconnect backoff.")
      .define(CONNECTIONS).define(CONNECT_TIMEOUT).define(CA_FILE).define(PINNED_SHA256)
      .define(INSECURE).define(CLIENT_CERT_FILE).define(CLIENT_KEY_FILE)
      .define(CLIENT_KEY_PASSWORD).define(BACKOFF_INITIAL).define(BACKOFF_MAX)
      .define(MAX_RESULT_BYTES);

  public static final ConfigDef DEF = ConfigDef.section("transport.netty",
          "The TLS TCP transport (docs/protocol.md): where the server listens, its limits and "
              + "timeouts; the client reads the same section.")
      .define(HOST).define(PORT).define(TLS).define(ENGINE).define(PLAINTEXT_BEYOND_LOOPBACK)
      .define(MAX_FRAME_BYTES).define(MAX_ATTRIBUTE_BYTES).define(MAX_EXTENSIONS)
      .define(MAX_IN_FLIGHT).define(HANDSHAKE_TIMEOUT).define(IDLE_TIMEOUT).define(HEARTBEAT)
      .define(REQUEST_TIMEOUT).define(IO_THREADS).define(CLIENT);

  private final ConfigValues values;
  private final ConfigValues client;
  private final TlsConfig tls;

  private NettySettings(ConfigValues values, ConfigValues client, TlsConfig tls) {
    this.values = values;
    this.client = client;
    this.tls = tls;
  }

  /**
   * Binds {@code transport.netty} (and its {@code tls} and {@code client} sections) with every
   * problem reported at once; {@code security} supplies {@code security.tls} as the fallback
   * for TLS material.
   *
   * @throws ConfigException naming each key path and line
   */
  public static NettySettings from(Settings settings, Settings security) {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues values = DEF.bind(settings, problems);
    ConfigValues client = CLIENT_DEF.bind(settings.section("client"), problems);
    TlsConfig tls = null;
    try {
      tls = TlsConfig.from(settings.section("tls"))
          .orShared(TlsConfig.from(security.section("tls")));
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    int trusts = (client.get(CA_FILE) != null ? 1 : 0)
        + (client.get(PINNED_SHA256) != null ? 1 : 0) + (client.get(INSECURE) ? 1 : 0);
    if (trusts > 1) {
      problems.add(new ConfigProblem(settings.path() + ".client", settings.line("client"),
          "choose one of ca-file, pinned-sha256 and insecure"));
    }
    if ((client.get(CLIENT_CERT_FILE) == null) != (client.get(CLIENT_KEY_FILE) == null)) {
      problems.add(new ConfigProblem(settings.path() + ".client", settings.line("client"),
          "cert-file and key-file go together"));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(settings.origin(), problems);
    }
    return new NettySettings(values, client, tls);
  }

  public String host() {
    return values.get(HOST);
  }

  public int port() {
    return values.get(PORT);
  }

  /** The TLS section, already merged with {@code security.tls}. */
  public TlsConfig tls() {
    return tls;
  }

  public Engine engine() {
    return values.get(ENGINE);
  }

  public boolean plaintextBeyondLoopback() {
    return values.get(PLAINTEXT_BEYOND_LOOPBACK);
  }

  public int maxFrameBytes() {
    return values.get(MAX_FRAME_BYTES);
  }

  public int maxAttributeBytes() {
    return values.get(MAX_ATTRIBUTE_BYTES);
  }

  public int maxExtensions() {
    return values.get(MAX_EXTENSIONS);
  }

  public int maxInFlightPerConnection() {
    return values.get(MAX_IN_FLIGHT);
  }

  public Duration handshakeTimeout() {
    return values.get(HANDSHAKE_TIMEOUT);
  }

  public Duration idleTimeout() {
    return values.get(IDLE_TIMEOUT);
  }

  public Duration heartbeatInterval() {
    return values.get(HEARTBEAT);
  }

  public Duration requestTimeout() {
    return values.get(REQUEST_TIMEOUT);
  }

  public int ioThreads() {
    return values.get(IO_THREADS);
  }

  public int connections() {
    return client.get(CONNECTIONS);
  }

  public Duration connectTimeout() {
    return client.get(CONNECT_TIMEOUT);
  }

  public Optional<Path> caFile() {
    return client.find(CA_FILE);
  }

  public Optional<String> pinnedSha256() {
    return client.find(PINNED_SHA256);
  }

  public boolean insecure() {
    return client.get(INSECURE);
  }

  public Optional<Path> clientCertFile() {
    return client.find(CLIENT_CERT_FILE);
  }

  public Optional<Path> clientKeyFile() {
    return client.find(CLIENT_KEY_FILE);
  }

  public Optional<Secret> clientKeyPassword() {
    return client.find(CLIENT_KEY_PASSWORD);
  }

  public Duration reconnectBackoff() {
    return client.get(BACKOFF_INITIAL);
  }

  public Duration reconnectBackoffMax() {
    return client.get(BACKOFF_MAX);
  }

  public int maxResultBytes() {
    return client.get(MAX_RESULT_BYTES);
  }
}
