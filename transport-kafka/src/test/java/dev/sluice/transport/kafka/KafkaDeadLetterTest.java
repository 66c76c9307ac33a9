package dev.sluice.transport.kafka;

import static dev.sluice.transport.kafka.KafkaTestTopics.event;
import static dev.sluice.transport.kafka.KafkaTestTopics.header;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

  @Test
  void poisonRecordsAndFailedEventsAreDeadLetteredOnceAndTheRestIsServed() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String name = KafkaTestSettings.unique("poison-");
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(broker, name));
    settings.put("create-topics", Map.of("partitions", 1));
    String requests = name + ".requests";
    String deadLetters = name + ".dead-letters";
    Set<String> applied = ConcurrentHashMap.newKeySet();
    EventProcessor processor = (event, ctx) -> {
      if (event.type().equals("always.fails")) {
        throw new IllegalStateException("the ledger is closed");
      }
      applied.add(event.id());
      return Result.ok(event.id());
    };
    SluiceServer server = KafkaTestServers.start(name, settings, processor, 4, directory, null,
        null);
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
}
