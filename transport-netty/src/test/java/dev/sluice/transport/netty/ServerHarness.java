package dev.sluice.transport.netty;

import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.TransportContext;
import dev.sluice.transport.netty.internal.NettyEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A netty server on an ephemeral loopback port with a sink the test controls, and clients of
 * it. Every event the server accepts lands in {@link #received} with its delivery and a future
 * the test completes (or {@link #echo} answers at once).
 */
final class ServerHarness implements AutoCloseable {
  /** One event as the sink got it. */
  record Received(Event event, Delivery delivery, CompletableFuture<Result> result) {
  }

  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final Path dataDirectory;
  private final Map<String, Object> settings;
  private final Authenticator authenticator;
  private final List<EventClient> clients = new ArrayList<>();
  /** Harnesses of clients elsewhere ({@link #clientsElsewhere}), closed with this one. */
  private final List<ServerHarness> elsewhere = new ArrayList<>();
  volatile boolean echo;
  final MeterRegistry metrics = new SimpleMeterRegistry();
  NettyEventSource source;

  ServerHarness(Path dataDirectory, Map<String, Object> settings, Authenticator authenticator) {
    this.dataDirectory = dataDirectory;
    this.settings = new HashMap<>(settings);
    this.settings.putIfAbsent("host", "127.0.0.1");
    this.settings.putIfAbsent("port", 0);
    this.authenticator = authenticator;
  }

  static ServerHarness echo(Path dir, Map<String, Object> settings) throws Exception {
    ServerHarness h = new ServerHarness(dir, settings, Authenticator.none());
    h.echo = true;
    return h.start();
  }

  static ServerHarness holding(Path dir, Map<String, Object> settings) throws Exception {
    return new ServerHarness(dir, settings, Authenticator.none()).start();
  }

  ServerHarness start() throws Exception {
    source = (NettyEventSource) new NettyTransport().createSource(context(settings,
        Optional.empty()));
    source.start(this::submit);
    settings.put("port", source.port()); // a restart binds the same port; clients use it
    return this;
  }

  private CompletionStage<Result> submit(Event event, Delivery delivery) {
    CompletableFuture<Result> f = new CompletableFuture<>();
    received.add(new Received(event, delivery, f));
    if (echo) {
      f.complete(Result.ok(event.id(), event.data(),
          event.dataContentType().orElse(null)));
    }
    return f;
  }

  int port() {
    return source.port();
  }

  void stop() {
    source.stop(Duration.ofSeconds(10)).toCompletableFuture().join();
  }

  EventClient client() {
    return client(Map.of(), Optional.empty());
  }

  EventClient client(Map<String, Object> clientSettings, Optional<Credentials> credentials) {
    Map<String, Object> s = new HashMap<>(settings);
    s.put("port", source != null ? port() : settings.get("port")); // no source: a given port
    Map<String, Object> client = new HashMap<>();
    client.put("reconnect-backoff", "50ms");
    client.put("reconnect-backoff-max", "500ms");
    client.putAll(clientSettings);
    s.put("client", client);
    EventClient c = new NettyTransport().createClient(context(s, credentials));
    clients.add(c);
    return c;
  }

  /**
   * Clients of this server that keep their state in another data directory, so that they do
   * not find the server's development certificate there and trust only what their settings
   * say; {@code settings} are added to the port. Their clients close with this harness.
   */
  ServerHarness clientsElsewhere(Path dataDirectory, Map<String, Object> settings) {
    Map<String, Object> s = new HashMap<>(settings);
    s.put("port", port());
    ServerHarness other = new ServerHarness(dataDirectory, s, null);
    other.source = source;
    elsewhere.add(other);
    return other;
  }

  /** A context with these settings, for tests that start a source themselves. */
  TransportContext contextFor(Map<String, Object> s) {
    return context(s, Optional.empty());
  }

  void closeClients() {
    clients.forEach(EventClient::close);
  }

  private TransportContext context(Map<String, Object> s, Optional<Credentials> credentials) {
    Settings section = Settings.of(s);
    Path dir = dataDirectory;
    Authenticator auth = authenticator == null ? Authenticator.none() : authenticator;
    MeterRegistry metrics = this.metrics;
    return new TransportContext() {
      @Override
      public String serverName() {
        return "harness";
      }

      @Override
      public Settings settings() {
        return section;
      }

      @Override
      public Path dataDirectory() {
        return dir;
      }

      @Override
      public MeterRegistry metrics() {
        return metrics;
      }

      @Override
      public Authenticator authenticator() {
        return auth;
      }

      @Override
      public Optional<Credentials> credentials() {
        return credentials;
      }
    };
  }

  @Override
  public void close() {
    elsewhere.forEach(ServerHarness::closeClients);
    clients.forEach(EventClient::close);
    received.forEach(r -> r.result().complete(Result.ok(r.event().id())));
    if (source != null) {
      source.stop(Duration.ofSeconds(5)).toCompletableFuture().join();
    }
  }
}
