package dev.sluice.transport.kafka;

import static dev.sluice.transport.kafka.KafkaTestTopics.event;
import static dev.sluice.transport.kafka.KafkaTestTopics.header;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Events a processor emits are produced to the request topic and consumed from it. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaFollowOnTest {
  @TempDir
  Path directory;

  @Test
  void aFollowOnEventIsProducedToTheTopicWithItsKeyAndThenProcessed() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String name = KafkaTestSettings.unique("follow-on-");
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(broker, name));
    settings.put("create-topics", Map.of("partitions", 2));
    String requests = name + ".requests";
    Map<String, String> shipped = new ConcurrentHashMap<>();
    EventProcessor processor = (event, ctx) -> {
      if (event.type().equals("order.placed")) {
        Event next = Event.builder().id(event.id() + "-shipped").source("/warehouse")
            .type("order.shipped").partitionKey(event.partitionKey().orElseThrow())
            .data(event.data(), "text/plain").build();
        ctx.emit(next).toCompletableFuture().get(30, TimeUnit.SECONDS);
      } else if (event.type().equals("order.shipped")) {
        shipped.put(event.id(), event.dataAsString());
      }
      return Result.ok(event.id());
    };
    SluiceServer server = KafkaTestServers.start(name, settings, processor, 4, directory, null,
        null);
    try (KafkaTestTopics kafka = new KafkaTestTopics(broker)) {
      kafka.send(event(requests, "order-7", "order.placed", "customer-3", "two boxes"));
      kafka.flush();

      Awaitility.await("the follow-on event is consumed and processed")
          .atMost(Duration.ofSeconds(60)).until(() -> shipped.containsKey("order-7-shipped"));
      assertThat(shipped).containsEntry("order-7-shipped", "two boxes");

      List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll(requests);
      ConsumerRecord<byte[], byte[]> followOn = records.stream()
          .filter(r -> "order.shipped".equals(header(r, "ce_type"))).findFirst().orElseThrow();
      assertThat(records).as("the request and exactly one follow-on event").hasSize(2);
      assertThat(header(followOn, "ce_id")).isEqualTo("order-7-shipped");
      assertThat(header(followOn, "ce_source")).isEqualTo("/warehouse");
      assertThat(new String(followOn.key(), UTF_8)).as("record key = partition key")
          .isEqualTo("customer-3");
      assertThat(new String(followOn.value(), UTF_8)).isEqualTo("two boxes");
      Awaitility.await("the group's offset past both records")
          .atMost(Duration.ofSeconds(60)).until(() -> kafka.committedToEnd(name, requests));
    } finally {
      server.stop(Duration.ofSeconds(10));
    }
  }
}
