package dev.sluice.benchmarks.rabbitmq;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Result;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.transport.rabbitmq.RabbitMqPlugin;
import java.util.concurrent.CountDownLatch;

/**
 * Sluice over RabbitMQ with an echo processor: the other side of the comparison with
 * {@link RawRabbitEchoServer}, everything a Sluice server does per event (decode, validate,
 * idempotency store, dispatch, processor, reply, ack).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.rabbitmq.SluiceRabbitEchoServer \
 *     [uri] [queue] [prefetch] [concurrency]
 * </pre>
 * Defaults: {@code amqp://guest:guest@127.0.0.1:5672/%2F}, {@code sluice.bench.sluice}, 250, 4.
 * The echo processor answers events of type {@code bench.echo}. Runs until killed.
 */
public final class SluiceRabbitEchoServer {
  private SluiceRabbitEchoServer() {
  }

  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 ? args[0] : "amqp://guest:guest@127.0.0.1:5672/%2F";
    String queue = args.length > 1 ? args[1] : "sluice.bench.sluice";
    int prefetch = args.length > 2 ? Integer.parseInt(args[2]) : 250;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    SluiceConfig config = SluiceConfig.parse("""
        server: {name: bench-echo, drain-timeout: 5s}
        transport:
          type: rabbitmq
          rabbitmq: {uri: '%s', queue: '%s', prefetch: %d}
        processors:
          - {name: echo, processor: bench-echo, types: [bench.echo], concurrency: %d,
             queue-capacity: 8192}
        """.formatted(uri, queue, prefetch, concurrency), "rabbitmq echo benchmark");
    Plugins plugins = Plugins.of(new RabbitMqPlugin(), new SluicePlugin() {
      @Override
      protected void configure() {
        processor("bench-echo", (EventProcessor) (event, context) ->
            Result.ok(event.id(), event.data(), event.dataContentType().orElse(null)));
      }
    });
    SluiceServer server = SluiceServer.builder(config).plugins(plugins).build();
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    System.out.println("sluice echo server consuming " + queue + " (prefetch " + prefetch
        + ", concurrency " + concurrency + ")");
    new CountDownLatch(1).await();
  }
}
