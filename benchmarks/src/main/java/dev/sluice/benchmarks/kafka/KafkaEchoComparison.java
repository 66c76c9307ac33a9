package dev.sluice.benchmarks.kafka;

import dev.sluice.config.Settings;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.testkit.KafkaBroker;
import dev.sluice.transport.kafka.KafkaSettings;
import dev.sluice.transport.kafka.KafkaTransportPlugin;
import dev.sluice.transport.kafka.internal.KafkaClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Sluice over Kafka against {@link RawKafkaEchoService}, driven by the same client (Sluice's
 * Kafka client, as {@code sluice bench} uses it) with the same number of requests in flight, on
 * the same broker, one after the other. Prints requests per second and latency percentiles for
 * each, and Sluice's rate as a fraction of the raw one (target: at least 0.8).
 *
 * <p>Without {@code --bootstrap} it starts an in-process single-node broker (the testkit's), so
 * broker, servers and client share the machine: compare figures only within one run.
 *
 * <pre>
 * benchmarks/run-kafka.sh [--seconds 20] [--warmup 5] [--in-flight 256] [--size 64]
 *                         [--partitions 6] [--rounds 2] [--bootstrap host:port]
 * </pre>
 */
public final class KafkaEchoComparison {
  private KafkaEchoComparison() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    int inFlight = Integer.parseInt(opts.getOrDefault("in-flight", "256"));
    int size = Integer.parseInt(opts.getOrDefault("size", "64"));
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "6"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
    KafkaBroker broker = opts.containsKey("bootstrap") ? null : KafkaBroker.start();
    String bootstrap = broker != null ? broker.bootstrapServers() : opts.get("bootstrap");
    System.out.printf("Kafka %s, %ds measured after %ds warm-up, %d in flight, %d-byte data, "
        + "%d partitions%n", bootstrap, seconds, warmup, inFlight, size, partitions);
    double raw = 0;
    double sluice = 0;
    try {
      for (int round = 1; round <= rounds; round++) {
        raw += run("raw   ", bootstrap, partitions, true, seconds, warmup, inFlight, size);
        sluice += run("sluice", bootstrap, partitions, false, seconds, warmup, inFlight, size);
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
    System.out.printf("sluice/raw throughput: %.2f (target >= 0.80)%n", sluice / raw);
  }

  private static double run(String label, String bootstrap, int partitions, boolean rawSide,
      int seconds, int warmup, int inFlight, int size) throws Exception {
    String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("bootstrap-servers", bootstrap);
    settings.put("topics", List.of(name));
    settings.put("group", name);
    settings.put("dead-letter-topic", name + ".dead-letters");
    settings.put("create-topics", Map.of("partitions", partitions));
    settings.put("max-in-flight", Math.max(2_000, inFlight * 2));
    AutoCloseable service;
    Path dir = Files.createTempDirectory("sluice-bench-");
    if (rawSide) {
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin
          .create(Map.of("bootstrap.servers", bootstrap))) {
        // Sluice's server creates its topic; the raw echo gets the same one made for it
        admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(name,
            java.util.Optional.of(partitions), java.util.Optional.empty()))).all()
            .get(30, TimeUnit.SECONDS);
      }
      RawKafkaEchoService echo = new RawKafkaEchoService(bootstrap, name, name);
      echo.start();
      service = echo;
    } else {
      SluiceServer server = sluiceServer(settings, dir);
      service = () -> server.stop(Duration.ofSeconds(10));
    }
    try (EventClient client = client(settings)) {
      Recorder latencies = new Recorder(3);
      drive(client, warmup, inFlight, size, latencies, new AtomicLong());
      latencies.getIntervalHistogram();
      AtomicLong ok = new AtomicLong();
      long start = System.nanoTime();
      long failed = drive(client, seconds, inFlight, size, latencies, ok);
      double elapsed = (System.nanoTime() - start) / 1e9;
      var h = latencies.getIntervalHistogram();
      double rate = ok.get() / elapsed;
      System.out.printf("%s %,10.0f req/s   p50 %6.2f ms   p99 %6.2f ms   p99.9 %6.2f ms"
          + "   failed %d%n", label, rate, h.getValueAtPercentile(50) / 1e3,
          h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, failed);
      return rate;
    } finally {
      service.close();
    }
  }

  /** Closed loop: {@code inFlight} requests outstanding for {@code seconds}. */
  private static long drive(EventClient client, int seconds, int inFlight, int size,
      Recorder latencies, AtomicLong ok) throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long i = 0;
    while (System.nanoTime() < end) {
      permits.acquire();
      long sent = System.nanoTime();
      client.send(event(i++, size), Duration.ofSeconds(30)).whenComplete((r, t) -> {
        if (r != null && r.isOk()) {
          ok.incrementAndGet();
          latencies.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
        } else {
          failed.incrementAndGet();
        }
        permits.release();
      });
    }
    permits.acquire(inFlight);
    return failed.get();
  }

  private static Event event(long i, int size) {
    return Event.builder().id("b-" + i).source("/bench").type("bench.echo")
        .partitionKey("k" + (i % 64)).data(new byte[size], "application/octet-stream").build();
  }

  private static EventClient client(Map<String, Object> settings) {
    return new KafkaClient(KafkaSettings.from(Settings.of(settings)));
  }

  private static SluiceServer sluiceServer(Map<String, Object> settings, Path dir)
      throws Exception {
    EventProcessor echo = (event, ctx) -> Result.ok(event.id(), event.data(),
        event.dataContentType().orElse(null));
    SluicePlugin plugin = new SluicePlugin() {
      @Override
      protected void configure() {
        processor("echo", echo);
      }
    };
    String yaml = """
        server: {name: bench, drain-timeout: 10s}
        transport:
          type: kafka
          kafka: %s
        processors:
          - {name: echo, processor: echo, types: ['*'], concurrency: 8, queue-capacity: 4096,
             timeout: 30s}
        """.formatted(new org.yaml.snakeyaml.Yaml(flow()).dump(settings).trim());
    SluiceServer server = SluiceServer.builder(SluiceConfig.parse(yaml, "benchmark"))
        .plugins(Plugins.of(plugin, new KafkaTransportPlugin())).baseDirectory(dir).build();
    server.start();
    return server;
  }

  private static org.yaml.snakeyaml.DumperOptions flow() {
    var o = new org.yaml.snakeyaml.DumperOptions();
    o.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW);
    o.setWidth(Integer.MAX_VALUE);
    return o;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return m;
  }
}
