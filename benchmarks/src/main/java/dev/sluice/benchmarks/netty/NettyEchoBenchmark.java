package dev.sluice.benchmarks.netty;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceClients;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.examples.echo.EchoPlugin;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.transport.netty.NettyPlugin;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Requests per second through the netty transport's client, over TLS on loopback, against
 * Sluice serving the echo processor and against the {@link RawEchoServer} (same framing, same
 * TLS, no engine): the ratio of the two is what the engine costs. Not a load generator: each
 * invocation sends {@link #BATCH} events at once over the client's pool and waits for all of
 * them, so it measures sustained pipelined throughput, not latency under a fixed rate (that is
 * {@code sluice bench}'s job).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class NettyEchoBenchmark {
  static final int BATCH = 256;

  /**
   * {@code raw}: the raw echo server; {@code source}: Sluice's netty server with a sink that
   * answers at once on the I/O thread (the transport alone, without the engine);
   * {@code sluice}: the whole server with the echo processor.
   */
  @Param({"raw", "source", "sluice"})
  public String target;

  @Param({"4"})
  public int connections;

  @Param({"32"})
  public int dataBytes;

  private Path directory;
  private RawEchoServer raw;
  private SluiceServer sluice;
  private dev.sluice.spi.EventSource source;
  private EventClient client;
  private Event[] events;

  @Setup(Level.Trial)
  public void start() throws Exception {
    directory = Files.createTempDirectory("sluice-netty-bench");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String yaml = """
        server:
          name: bench
          data-directory: data
        transport:
          type: netty
          netty:
            host: 127.0.0.1
            port: %d
            client:
              connections: %d
        processors:
          - name: echo
            processor: echo
            types: [bench.echo]
            concurrency: 2
            queue-capacity: 4096
            timeout: 30s
        """.formatted(port, connections);
    SluiceConfig config = SluiceConfig.parse(yaml, "netty benchmark");
    Plugins plugins = Plugins.of(new NettyPlugin(), new EchoPlugin());
    if (target.equals("raw")) {
      raw = new RawEchoServer(port, directory.resolve("data"));
    } else if (target.equals("source")) {
      source = new dev.sluice.transport.netty.NettyTransport().createSource(
          dev.sluice.internal.engine.TransportResolver.context(config, directory,
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
              dev.sluice.spi.Authenticator.none(), java.util.Optional.empty()));
      source.start((e, d) -> CompletableFuture.completedFuture(
          Result.ok(e.id(), e.data(), e.dataContentType().orElse(null))));
    } else {
      sluice = SluiceServer.builder(config).plugins(plugins).baseDirectory(directory).build();
      sluice.start();
    }
    client = SluiceClients.open(config, plugins, directory);
    events = new Event[BATCH];
    for (int i = 0; i < BATCH; i++) {
      events[i] = Event.builder().id("bench-" + i).source("/bench").type("bench.echo")
          .data(new byte[dataBytes], "application/octet-stream").build();
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void echo() {
    @SuppressWarnings("unchecked")
    CompletableFuture<Result>[] results = new CompletableFuture[BATCH];
    for (int i = 0; i < BATCH; i++) {
      results[i] = client.send(events[i], Duration.ofSeconds(30)).toCompletableFuture();
    }
    for (CompletableFuture<Result> f : results) {
      Result r = f.join();
      if (r.status() != Status.OK) {
        throw new IllegalStateException("a benchmark request failed: " + r);
      }
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    client.close();
    if (raw != null) {
      raw.close();
    }
    if (source != null) {
      source.stop(Duration.ofSeconds(5)).toCompletableFuture().join();
    }
    if (sluice != null) {
      sluice.stop(Duration.ofSeconds(5));
    }
  }
}
