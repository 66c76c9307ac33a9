package dev.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.SluicePlugin;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood through the whole server: the netty transport in front of the real engine, whose only
 * processor is stuck. The engine pauses the source when the processor's queue fills, the server
 * stops reading its connections, and what it has read stays a small part of what was sent;
 * when the processor is freed every request gets its answer.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NettyBackpressureTest {
  private static final int REQUESTS = 20_000;
  private static final int DATA_BYTES = 512;
  /** The default: with it a flood meets the pause long before the queue is full. */
  private static final int QUEUE_CAPACITY = 1024;

  @TempDir
  Path dir;

  @Test
  void aFloodIsHeldInTheClientsAndSocketsWhileTheProcessorIsStuckAndEveryRequestIsAnswered()
      throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    EventProcessor stuck = (event, context) -> {
      entered.incrementAndGet();
      if (!gate.await(60, TimeUnit.SECONDS)) {
        return Result.error(event.id(), "GATE_NEVER_OPENED", "the test kept the gate shut");
      }
      return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
    };
    SluicePlugin plugin = new SluicePlugin() {
      @Override
      protected void configure() {
        processor("stuck", stuck);
      }
    };
    String yaml = """
        server: {name: flood, data-directory: data, drain-timeout: 10s}
        transport:
          type: netty
          netty:
            host: 127.0.0.1
            port: %d
            client: {connections: 4}
        processors:
          - name: stuck
            types: [flood.test]
            concurrency: 2
            queue-capacity: %d
            timeout: 90s
        """.formatted(NettyTransportConformanceTest.freePort(), QUEUE_CAPACITY);
    try (Plugins plugins = Plugins.of(plugin, new NettyPlugin())) {
      SluiceServer server = SluiceServer.builder(SluiceConfig.parse(yaml, "flood test"))
          .plugins(plugins).baseDirectory(dir).build();
      server.start();
      EventClient client = server.newClient();
      try {
        byte[] data = new byte[DATA_BYTES];
        List<CompletableFuture<Result>> results = new ArrayList<>(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
          Event e = Event.builder().id("flood-" + i).source("/flood").type("flood.test")
              .data(data, "application/octet-stream").build();
          results.add(client.send(e, Duration.ofSeconds(120)).toCompletableFuture());
        }
        long sent = (long) REQUESTS * DATA_BYTES;
        Counter bytesIn = server.metrics().find("sluice.transport.bytes")
            .tags("transport", "netty", "direction", "in").counter();
        assertThat(bytesIn).isNotNull();

        await().atMost(Duration.ofSeconds(30)).until(() -> entered.get() == 2);
        // Stuck: after the reads under way when the engine paused, the server reads nothing
        // more. What it read is a small part of the flood; the rest waits in the clients and
        // the sockets, so the server's memory does not grow with the flood.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
            .until(() -> readStopped(bytesIn));
        double readWhileStuck = bytesIn.count();
        assertThat(readWhileStuck).as("bytes the server read of the %d bytes of data sent",
            sent).isLessThan(sent / 4.0);
        assertThat(entered.get()).isEqualTo(2);

        gate.countDown();
        Map<Status, Integer> statuses = new EnumMap<>(Status.class);
        for (CompletableFuture<Result> f : results) {
          statuses.merge(f.get(120, TimeUnit.SECONDS).status(), 1, Integer::sum);
        }
        // Each request is answered, none lost and none timed out. OVERLOADED (which a sender
        // may retry) is possible for events submitted between the queue reaching its
        // high-water mark and the pause reaching the connections: a moment, unless the thread
        // that is to pause them is preempted, as on a busy machine (about 1 % of this flood in
        // a CI run beside other builds). Most are processed: the flood was held back, not
        // turned away.
        assertThat(statuses.keySet()).as("statuses %s", statuses)
            .isSubsetOf(Status.OK, Status.OVERLOADED);
        assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum())
            .isEqualTo(REQUESTS);
        assertThat(statuses.getOrDefault(Status.OVERLOADED, 0)).as("statuses %s", statuses)
            .isLessThanOrEqualTo(REQUESTS / 5);
        assertThat(bytesIn.count()).isGreaterThan(sent);
      } finally {
        gate.countDown();
        client.close();
        server.stop(Duration.ofSeconds(10));
      }
    }
  }

  private double last = -1;

  /** Whether the bytes read stayed the same for the last two polls. */
  private boolean readStopped(Counter bytesIn) {
    double now = bytesIn.count();
    boolean same = now == last;
    last = now;
    return same;
  }
}
