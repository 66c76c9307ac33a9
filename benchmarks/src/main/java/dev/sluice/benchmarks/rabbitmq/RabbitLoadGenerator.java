package dev.sluice.benchmarks.rabbitmq;

import dev.sluice.cli.bench.BenchResult;
import dev.sluice.cli.bench.EventFactory;
import dev.sluice.cli.bench.LoadGenerator;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceClients;
import dev.sluice.event.Event;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.transport.rabbitmq.RabbitMqPlugin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The RabbitMQ comparison's load: {@code sluice bench}'s {@link LoadGenerator} over the Sluice
 * RabbitMQ client, closed loop, {@code in-flight} requests of type {@code bench.echo}
 * outstanding against {@code queue} for a warm-up, then measured for {@code seconds}. Prints one
 * {@code RESULT} line (the rate of OK results, their latency, the failures by status) that
 * {@code run-rabbitmq.sh} reads.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.rabbitmq.RabbitLoadGenerator \
 *     uri queue [in-flight] [seconds] [warm-up-seconds] [payload-bytes] [persistent]
 * </pre>
 * Defaults: 256 in flight, 20 s, 5 s warm-up, 64 bytes, persistent requests.
 */
public final class RabbitLoadGenerator {
  private RabbitLoadGenerator() {
  }

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String queue = args[1];
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int warmUp = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    int payload = args.length > 5 ? Integer.parseInt(args[5]) : 64;
    boolean persistent = args.length <= 6 || Boolean.parseBoolean(args[6]);
    SluiceConfig config = SluiceConfig.parse("""
        transport:
          type: rabbitmq
          rabbitmq: {uri: '%s', queue: '%s', persistent: %s, client: {max-in-flight: %d}}
        """.formatted(uri, queue, persistent, Math.max(inFlight, 1)), "rabbitmq load generator");
    Event template = Event.builder().id("template").source("/bench").type("bench.echo")
        .data(new byte[payload], "application/octet-stream").build();
    try (Plugins plugins = Plugins.of(new RabbitMqPlugin());
        EventClient client = SluiceClients.open(config, plugins, Path.of(""))) {
      BenchResult r = LoadGenerator.builder(List.of(client), EventFactory.fromTemplate(template))
          .concurrency(inFlight).warmup(Duration.ofSeconds(warmUp))
          .duration(Duration.ofSeconds(seconds)).timeout(Duration.ofSeconds(30))
          .build().run();
      Map<String, Long> failures = r.byStatus().entrySet().stream()
          .filter(e -> !e.getKey().equals(Status.OK.name()))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      if (r.unfinished() > 0) {
        failures.put("UNFINISHED", r.unfinished());
      }
      System.out.printf("RESULT queue=%s in-flight=%d payload=%dB persistent=%s: %.0f requests/s OK,"
              + " p50 %.2f ms, p99 %.2f ms, max %.2f ms, total %d, failures %s%n", queue, inFlight,
          payload, persistent, r.ok() / (r.elapsed().toNanos() / 1e9), r.latency().p50() / 1e3,
          r.latency().p99() / 1e3, r.latency().max() / 1e3, r.ok(), failures);
    }
  }
}
