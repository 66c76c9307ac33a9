package dev.sluice.transport.kafka;

import static dev.sluice.transport.kafka.KafkaTestTopics.event;
import static dev.sluice.transport.kafka.KafkaTestTopics.header;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.testkit.KafkaBroker;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Poison records and failing events go to the dead-letter topic once, and the rest flows on. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaDeadLetterTest {
  @TempDir
  Path directory;

  /**
   * A server on one partition whose processor fails every {@code always.fails} event and
   * records the id of every other one in {@code applied}.
   */
  private SluiceServer startLedger(KafkaBroker broker, String name, Set<String> applied)
      throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(broker, name));
    settings.put("create-topics", Map.of("partitions", 1));
    EventProcessor processor = (event, ctx) -> {
      if (event.type().equals("always.fails")) {
        throw new IllegalStateException("the ledger is closed");
      }
      applied.add(event.id());
      return Result.ok(event.id());
    };
    return KafkaTestServers.start(name, settings, processor, 4, directory, null, null);
  }

  @Test
  void poisonRecordsAndFailedEventsAreDeadLetteredOnceAndTheRestIsServed() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String name = KafkaTestSettings.unique("poison-");
    String requests = name + ".requests";
    String deadLetters = name + ".dead-letters";
    Set<String> applied = ConcurrentHashMap.newKeySet();
    SluiceServer server = startLedger(broker, name, applied);
    try (KafkaTestTopics kafka = new KafkaTestTopics(broker)) {
      kafka.send(event(requests, "good-1", "fine", "k", "a"));
      ProducerRecord<byte[], byte[]> notJson = new ProducerRecord<>(requests, null,
          "{not json".getBytes(UTF_8));
      notJson.headers().add("content-type", "application/cloudevents+json".getBytes(UTF_8));
      kafka.send(notJson);
      ProducerRecord<byte[], byte[]> noId = event(requests, "x", "fine", "k", "b");
      noId.headers().remove("ce_id");
      kafka.send(noId);
      kafka.send(event(requests, "fails-1", "always.fails", "k", "c"));
      kafka.send(event(requests, "good-2", "fine", "k", "d"));
      kafka.flush();

      Awaitility.await("the events after the poison are processed")
          .atMost(Duration.ofSeconds(60)).until(() -> applied.containsAll(
              List.of("good-1", "good-2")));
      Awaitility.await("the group's offset past every record, poison included")
          .atMost(Duration.ofSeconds(60)).until(() -> kafka.committedToEnd(name, requests));

      List<ConsumerRecord<byte[], byte[]>> letters = kafka.readAll(deadLetters);
      assertThat(letters).as("one dead letter each for the three bad records").hasSize(3);
      Map<String, ConsumerRecord<byte[], byte[]>> byOffset = letters.stream().collect(
          Collectors.toMap(r -> header(r, "sluice_original_offset"), r -> r));
      assertThat(byOffset.keySet()).containsExactlyInAnyOrder("1", "2", "3");

      ConsumerRecord<byte[], byte[]> json = byOffset.get("1");
      assertThat(header(json, "sluice_status")).isEqualTo("INVALID");
      assertThat(header(json, "sluice_error_code")).isEqualTo("MALFORMED");
      assertThat(header(json, "sluice_error_message")).contains("JSON object");
      assertThat(header(json, "sluice_original_topic")).isEqualTo(requests);
      assertThat(new String(json.value(), UTF_8)).as("the original value").isEqualTo("{not json");

      assertThat(header(byOffset.get("2"), "sluice_error_message")).contains("'id' is missing");

      ConsumerRecord<byte[], byte[]> failed = byOffset.get("3");
      assertThat(header(failed, "sluice_status")).isEqualTo("ERROR");
      assertThat(header(failed, "sluice_error_message")).contains("the ledger is closed");
      assertThat(header(failed, "ce_id")).as("original headers kept").isEqualTo("fails-1");
      assertThat(header(failed, "sluice_attempts")).isEqualTo("1");
      assertThat(new String(failed.key(), UTF_8)).isEqualTo("k");
    } finally {
      server.stop(Duration.ofSeconds(10));
    }
  }

  @Test
  void aDeadLetterTheClusterRefusesKeepsItsRecordUncommittedUntilItIsWritten() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String name = KafkaTestSettings.unique("refused-letter-");
    String requests = name + ".requests";
    String deadLetters = name + ".dead-letters";
    // a dead-letter topic that refuses every record until its limit is raised
    ConfigResource letterTopic = new ConfigResource(ConfigResource.Type.TOPIC, deadLetters);
    try (Admin admin = Admin.create(broker.clientConfig())) {
      admin.createTopics(List.of(new NewTopic(deadLetters, 1, (short) 1)
          .configs(Map.of("max.message.bytes", "64")))).all().get(30, TimeUnit.SECONDS);
    }
    Set<String> applied = ConcurrentHashMap.newKeySet();
    SluiceServer server = startLedger(broker, name, applied);
    try (KafkaTestTopics kafka = new KafkaTestTopics(broker);
        Admin admin = Admin.create(broker.clientConfig())) {
      kafka.send(event(requests, "fails-1", "always.fails", "a", "a payload too large for 64"
          + " bytes once the error headers are added"));
      kafka.send(event(requests, "good-1", "fine", "b", "fine"));
      kafka.flush();

      Counter refused = server.metrics().counter("sluice.transport.errors", "transport",
          "kafka", "kind", "publish");
      Awaitility.await("the event after the failure is processed, the dead letter tried again")
          .atMost(Duration.ofSeconds(60))
          .until(() -> applied.contains("good-1") && refused.count() >= 2);
      Awaitility.await("the group's offset stays below the record without a dead letter")
          .during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
          .until(() -> !kafka.committedToEnd(name, requests));

      admin.incrementalAlterConfigs(Map.of(letterTopic, List.of(new AlterConfigOp(
          new ConfigEntry("max.message.bytes", "1048576"), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
      Awaitility.await("the dead letter is written and the offset moves past both records")
          .atMost(Duration.ofSeconds(60)).until(() -> kafka.committedToEnd(name, requests));
      List<ConsumerRecord<byte[], byte[]>> letters = kafka.readAll(deadLetters);
      assertThat(letters).as("exactly one dead letter, written late").hasSize(1);
      assertThat(header(letters.get(0), "ce_id")).isEqualTo("fails-1");
      assertThat(header(letters.get(0), "sluice_error_message")).contains("the ledger is closed");
    } finally {
      server.stop(Duration.ofSeconds(10));
    }
  }
}
