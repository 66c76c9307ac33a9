package dev.sluice.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.internal.services.InMemoryEventStore;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventGuard;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventStore;
import dev.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server dies while it processes an event: nothing was committed for it, so the group's next
 * server gets it again; with the event store both servers share, it is applied once and the
 * sender gets the one result.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KafkaCrashTest {
  @TempDir
  Path directory;

  @Test
  void eventInProgressOnACrashedServerIsDeliveredAgainAndAppliedOnce() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String group = KafkaTestSettings.unique("crash-");
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(broker, group));
    // the second server retries while the first's attempt is still recorded as in progress
    settings.put("max-attempts", 50);
    settings.put("retry-backoff", "100ms");
    EventStore shared = new InMemoryEventStore(Clock.systemUTC(), 600_000, 10_000);
    Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    EventProcessor processor = (event, ctx) -> {
      entered.countDown();
      if (!release.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
      applied.computeIfAbsent(event.id(), k -> new AtomicInteger()).incrementAndGet();
      return Result.ok(event.id(), "applied " + event.dataAsString(), "text/plain");
    };
    AtomicInteger seenBySecond = new AtomicInteger();
    EventGuard countingGuard = (event, delivery) -> {
      seenBySecond.incrementAndGet();
      return Optional.empty();
    };

    String firstName = group + "-first";
    SluiceServer first = KafkaTestServers.start(firstName, settings, processor, 4, directory,
        shared, null);
    SluiceServer second = null;
    try (EventClient client = KafkaTestServers.client(settings)) {
      Event event = Event.builder().id("transfer-1").source("/bank").type("transfer")
          .partitionKey("account-9").data("10 EUR", "text/plain").build();
      CompletableFuture<Result> result = client.send(event, Duration.ofSeconds(150))
          .toCompletableFuture();
      assertThat(entered.await(60, TimeUnit.SECONDS)).as("the first server is processing")
          .isTrue();

      KafkaTestServers.source(firstName).abort(); // dies: no commit, no reply

      second = KafkaTestServers.start(group + "-second", settings, processor, 4,
          directory.resolve("second"), shared, countingGuard);
      Awaitility.await("the event delivered again to the second server")
          .atMost(Duration.ofSeconds(90)).until(() -> seenBySecond.get() >= 1);
      release.countDown(); // the first attempt completes in the shared store

      Result r = result.get(120, TimeUnit.SECONDS);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
      assertThat(r.dataAsString()).isEqualTo("applied 10 EUR");
      assertThat(applied).containsOnlyKeys("transfer-1");
      assertThat(applied.get("transfer-1").get()).as("applications of the event").isEqualTo(1);
      try (KafkaTestTopics kafka = new KafkaTestTopics(broker)) {
        Awaitility.await("the second server commits past the event")
            .atMost(Duration.ofSeconds(60))
            .until(() -> kafka.committedToEnd(group, group + ".requests"));
      }
    } finally {
      release.countDown();
      if (second != null) {
        second.stop(Duration.ofSeconds(10));
      }
      first.stop(Duration.ofSeconds(10));
    }
  }
}
