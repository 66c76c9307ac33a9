package dev.sluice.transport.kafka;

import static dev.sluice.transport.kafka.KafkaTestTopics.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.DrainReport;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers in one group: a second joins while the first is busy, then the first leaves
 * while events are still arriving. Every event is applied (at least once); none is skipped,
 * and the group's offsets end at the end of every partition.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KafkaRebalanceTest {
  private static final int BATCH = 1_500;

  @TempDir
  Path directory;

  @Test
  void noEventIsLostOrSkippedWhenAServerJoinsAndAnotherLeaves() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String group = KafkaTestSettings.unique("rebalance-");
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(broker, group));
    settings.put("create-topics", Map.of("partitions", 6));
    String topic = group + ".requests";
    Set<String> applied = ConcurrentHashMap.newKeySet();
    AtomicInteger applications = new AtomicInteger();
    EventProcessor processor = (event, ctx) -> {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // the processor's work
      applied.add(event.id());
      applications.incrementAndGet();
      return Result.ok(event.id());
    };
    Set<String> sent = new HashSet<>();
    SluiceServer first = KafkaTestServers.start(group + "-a", settings, processor, 8, directory,
        null, null);
    SluiceServer second = null;
    try (KafkaTestTopics kafka = new KafkaTestTopics(broker)) {
      produce(kafka, topic, sent, 0);
      Awaitility.await("the first server under way").atMost(Duration.ofSeconds(60))
          .until(() -> applied.size() >= 100);

      second = KafkaTestServers.start(group + "-b", settings, processor, 8,
          directory.resolve("b"), null, null);
      produce(kafka, topic, sent, 1);
      Awaitility.await("both servers under way").atMost(Duration.ofSeconds(60))
          .until(() -> applied.size() >= BATCH + 100);

      DrainReport leaving = first.stop(Duration.ofSeconds(20));
      assertThat(leaving.abandonedEventIds()).as("%s", leaving).isEmpty();
      produce(kafka, topic, sent, 2);

      Awaitility.await("every event applied").atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(applied).hasSameSizeAs(sent));
      assertThat(applied).isEqualTo(sent);
      Awaitility.await("the group's offsets at the end of every partition")
          .atMost(Duration.ofSeconds(60)).until(() -> kafka.committedToEnd(group, topic));
      assertThat(applications.get()).as("applications, redeliveries included")
          .isGreaterThanOrEqualTo(sent.size());
    } finally {
      first.stop(Duration.ofSeconds(10));
      if (second != null) {
        second.stop(Duration.ofSeconds(10));
      }
    }
  }

  private static void produce(KafkaTestTopics kafka, String topic, Set<String> sent, int batch) {
    for (int i = 0; i < BATCH; i++) {
      String id = "e-" + batch + "-" + i;
      sent.add(id);
      kafka.send(event(topic, id, "work", "key-" + (i % 97), "x"));
    }
    kafka.flush();
  }
}
