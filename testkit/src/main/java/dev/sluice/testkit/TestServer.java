package dev.sluice.testkit;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A running server and a client of its transport, for end-to-end tests of plugins: the path an
 * event takes over TCP or a broker, without the network when the transport is {@code memory}.
 *
 * <pre>{@code
 * try (TestServer server = TestServer.start("""
 *     transport: {type: memory, memory: {address: greeter-test}}
 *     processors: [{name: greet, types: [greetings.*]}]
 *     """)) {
 *   Result r = server.send(event);
 * }
 * }</pre>
 */
public final class TestServer implements AutoCloseable {
  /** The client-side deadline of {@link #send(Event)}. */
  public static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private final Plugins plugins;
  private final SluiceServer server;
  private final EventClient client;

  private TestServer(Plugins plugins, SluiceServer server) {
    this.plugins = plugins;
    this.server = server;
    this.client = server.newClient();
  }

  /**
   * Starts a server with the plugins on the class path, found through their
   * {@code META-INF/services} entries as the server finds them.
   */
  public static TestServer start(String yaml) throws Exception {
    Plugins plugins = Plugins.fromClasspath();
    try {
      return start(SluiceServer.builder(config(yaml)).plugins(plugins), plugins);
    } catch (Exception | Error e) {
      plugins.close();
      throw e;
    }
  }

  /**
   * Starts a server that loads its plugins itself, from the class path and from its
   * {@code server.plugins-directory} resolved against {@code baseDirectory}.
   */
  public static TestServer start(String yaml, Path baseDirectory) throws Exception {
    return start(SluiceServer.builder(config(yaml)).baseDirectory(baseDirectory), null);
  }

  private static SluiceConfig config(String yaml) {
    return SluiceConfig.parse(yaml, "test configuration");
  }

  private static TestServer start(SluiceServer.Builder builder, Plugins plugins)
      throws Exception {
    SluiceServer server = builder.build();
    server.start();
    return new TestServer(plugins, server);
  }

  public SluiceServer server() {
    return server;
  }

  public EventClient client() {
    return client;
  }

  /** Sends without waiting, with the {@link #SEND_TIMEOUT} deadline. */
  public CompletableFuture<Result> sendAsync(Event event) {
    return sendAsync(event, SEND_TIMEOUT);
  }

  /** Sends without waiting, with the given client-side deadline. */
  public CompletableFuture<Result> sendAsync(Event event, Duration timeout) {
    return client.send(event, timeout).toCompletableFuture();
  }

  /** Sends and waits for the result (a TIMEOUT result once the deadline has passed). */
  public Result send(Event event) throws Exception {
    return await(sendAsync(event));
  }

  /** Waits for a result from {@link #sendAsync}, failing the test if none comes at all. */
  public static Result await(CompletableFuture<Result> result) throws Exception {
    return result.get(SEND_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
  }

  /** Closes the client, stops the server (5 s drain) and closes the plugins it was given. */
  @Override
  public void close() {
    client.close();
    server.stop(Duration.ofSeconds(5));
    if (plugins != null) {
      plugins.close();
    }
  }
}
