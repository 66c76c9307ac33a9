package dev.sluice.transport.kafka.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class KafkaEventCodecTest {

  @Test
  void binaryModeRoundTripsEveryAttribute() {
    Event event = Event.builder().id("42").source("/orders").type("order.created")
        .subject("o-1").time(OffsetDateTime.of(2026, 11, 27, 10, 0, 0, 0, ZoneOffset.UTC))
        .dataSchema("https://example.com/s").partitionKey("customer-7").extension("trace", "t1")
        .data("{\"a\":1}", "application/json").build();
    Headers h = KafkaEventCodec.encodeHeaders(event);
    assertThat(KafkaEventCodec.lastText(h, "ce_time")).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(KafkaEventCodec.lastText(h, "content-type")).isEqualTo("application/json");
    assertThat(new String(KafkaEventCodec.encodeKey(event), UTF_8)).isEqualTo("customer-7");

    Event back = KafkaEventCodec.decode(KafkaEventCodec.encodeKey(event), h,
        KafkaEventCodec.encodeValue(event));
    assertThat(back).isEqualTo(event);
  }

  @Test
  void recordKeyBecomesThePartitionKeyWhenNoHeaderSaysOtherwise() {
    Headers h = minimal();
    Event e = KafkaEventCodec.decode("k-1".getBytes(UTF_8), h, null);
    assertThat(e.partitionKey()).contains("k-1");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    Headers h = new RecordHeaders();
    h.add("ce_specversion", "0.3".getBytes(UTF_8));
    h.add("ce_time", "yesterday".getBytes(UTF_8));
    assertThatThrownBy(() -> KafkaEventCodec.decode(null, h, null))
        .isInstanceOf(InvalidEventException.class)
        .satisfies(t -> assertThat(((InvalidEventException) t).problems())
            .anyMatch(p -> p.contains("specversion")).anyMatch(p -> p.contains("time"))
            .anyMatch(p -> p.contains("id")).anyMatch(p -> p.contains("source"))
            .anyMatch(p -> p.contains("type")).doesNotHaveDuplicates());
  }

  @Test
  void missingSpecVersionSaysWhichHeaderToSend() {
    Headers h = new RecordHeaders();
    h.add("ce_id", "1".getBytes(UTF_8));
    h.add("ce_source", "/s".getBytes(UTF_8));
    h.add("ce_type", "t".getBytes(UTF_8));
    assertThatThrownBy(() -> KafkaEventCodec.decode(null, h, null))
        .hasMessageContaining("ce_specversion");
  }

  @Test
  void structuredModeReadsJsonDataAndBase64Data() {
    Headers h = new RecordHeaders();
    h.add("content-type", "application/cloudevents+json; charset=utf-8".getBytes(UTF_8));
    String json = "{\"specversion\":\"1.0\",\"id\":\"7\",\"source\":\"/s\",\"type\":\"t\","
        + "\"datacontenttype\":\"application/json\",\"data\":{\"n\":1},\"partitionkey\":\"p\"}";
    Event e = KafkaEventCodec.decode(null, h, json.getBytes(UTF_8));
    assertThat(e.id()).isEqualTo("7");
    assertThat(e.dataAsString()).isEqualTo("{\"n\":1}");
    assertThat(e.dataContentType()).contains("application/json");
    assertThat(e.partitionKey()).contains("p");

    String binary = "{\"specversion\":\"1.0\",\"id\":\"8\",\"source\":\"/s\",\"type\":\"t\","
        + "\"data_base64\":\"AAEC\"}";
    Event b = KafkaEventCodec.decode(null, h, binary.getBytes(UTF_8));
    assertThat(b.data()).containsExactly(0, 1, 2);
  }

  @Test
  void structuredModeRejectsWhatIsNotAnObject() {
    Headers h = new RecordHeaders();
    h.add("content-type", "application/cloudevents+json".getBytes(UTF_8));
    assertThatThrownBy(() -> KafkaEventCodec.decode(null, h, "[1,2".getBytes(UTF_8)))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("JSON object");
  }

  @Test
  void sizeCountsValueAndEventHeadersOnly() {
    Headers h = minimal();
    long base = KafkaEventCodec.size(h, new byte[10]);
    h.add("sluice_reply_topic", "some-topic".getBytes(UTF_8));
    assertThat(KafkaEventCodec.size(h, new byte[10])).isEqualTo(base);
    assertThat(base).isEqualTo(10 + "ce_specversion1.0ce_id1ce_source/sce_typet".length());
  }

  private static Headers minimal() {
    Headers h = new RecordHeaders();
    h.add("ce_specversion", "1.0".getBytes(UTF_8));
    h.add("ce_id", "1".getBytes(UTF_8));
    h.add("ce_source", "/s".getBytes(UTF_8));
    h.add("ce_type", "t".getBytes(UTF_8));
    return h;
  }
}
