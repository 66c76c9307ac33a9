package dev.sluice.benchmarks.rabbitmq;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceClients;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.transport.rabbitmq.RabbitMqPlugin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator over the Sluice RabbitMQ client, until {@code sluice bench}
 * exists: keeps {@code in-flight} requests of type {@code bench.echo} outstanding against
 * {@code queue} for a warm-up, then measures for {@code seconds}, and prints one line with the
 * rate of OK results and their latency. Any non-OK result is counted and printed.
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
    byte[] data = new byte[payload];
    Map<String, Long> failures = new ConcurrentHashMap<>();
    try (Plugins plugins = Plugins.of(new RabbitMqPlugin());
        EventClient client = SluiceClients.open(config, plugins, Path.of(""))) {
      Semaphore window = new Semaphore(inFlight);
      AtomicLong ids = new AtomicLong();
      LongAdder ok = new LongAdder();
      Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmUp);
      long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
      long okAtStart = -1;
      while (System.nanoTime() < end) {
        if (okAtStart < 0 && System.nanoTime() >= warmEnd) {
          okAtStart = ok.sum();
          latency.reset();
        }
        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        Event e = Event.builder().id(Long.toString(ids.incrementAndGet())).source("/bench")
            .type("bench.echo").data(data, "application/octet-stream").build();
        long sent = System.nanoTime();
        client.send(e, Duration.ofSeconds(30)).whenComplete((r, t) -> {
          window.release();
          if (r != null && r.isOk()) {
            ok.increment();
            latency.recordValue(System.nanoTime() - sent);
          } else {
            String what = r != null ? r.status() + " " + r.errorCode().orElse("") : t.toString();
            failures.merge(what, 1L, Long::sum);
          }
        });
      }
      window.acquire(inFlight);
      long measured = ok.sum() - Math.max(okAtStart, 0);
      System.out.printf("RESULT queue=%s in-flight=%d payload=%dB persistent=%s: %.0f requests/s OK,"
              + " p50 %.2f ms, p99 %.2f ms, max %.2f ms, total %d, failures %s%n", queue, inFlight,
          payload, persistent, measured / (double) seconds, latency.getValueAtPercentile(50) / 1e6,
          latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6, ok.sum(), failures);
    }
  }
}
