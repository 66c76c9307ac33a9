package dev.sluice.transport.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmqpEventCodecTest {
  private static final int MAX = 1 << 20;

  @Test
  void binaryModeRoundTripKeepsEveryAttribute() throws Exception {
    Event event = Event.builder().id("42").source("/orders/web").type("orders.created")
        .subject("order-7").time(OffsetDateTime.parse("2026-11-27T10:15:30.5+01:00"))
        .dataSchema("https://schemas.example/order.json").partitionKey("customer-7")
        .extension("traceparent", "00-abc-def-01").data("{\"total\":12}", "application/json")
        .build();
    AMQP.BasicProperties props = AmqpEventCodec.encode(event, true).build();

    assertThat(props.getContentType()).isEqualTo("application/json");
    assertThat(props.getDeliveryMode()).isEqualTo(2);
    assertThat(props.getHeaders()).containsEntry("cloudEvents:id", "42")
        .containsEntry("cloudEvents:specversion", "1.0")
        .containsEntry("cloudEvents:partitionkey", "customer-7")
        .doesNotContainKey("cloudEvents:datacontenttype");
    assertThat(AmqpEventCodec.decode(props, event.data(), MAX)).isEqualTo(event);
  }

  @Test
  void acceptsTheBindingsAlternativePrefixAndAnAmqpTimestampForTime() throws Exception {
    Map<String, Object> headers = new HashMap<>();
    headers.put("cloudEvents_specversion", "1.0");
    headers.put("cloudEvents_id", "7");
    headers.put("cloudEvents_source", "/jms");
    headers.put("cloudEvents_type", "t");
    headers.put("cloudEvents_time", Date.from(java.time.Instant.parse("2026-01-02T03:04:05Z")));
    headers.put("other", "ignored");
    Event e = AmqpEventCodec.decode(new AMQP.BasicProperties.Builder().headers(headers).build(),
        new byte[0], MAX);
    assertThat(e.id()).isEqualTo("7");
    assertThat(e.time()).contains(OffsetDateTime.parse("2026-01-02T03:04:05Z"));
    assertThat(e.extensions()).isEmpty();
  }

  @Test
  void reportsEveryProblemOfAMalformedMessageAtOnce() {
    Map<String, Object> headers = new HashMap<>();
    headers.put("cloudEvents:specversion", "0.3");
    headers.put("cloudEvents:id", "bad-1");
    headers.put("cloudEvents:time", "yesterday");
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().headers(headers).build();
    assertThatThrownBy(() -> AmqpEventCodec.decode(props, new byte[0], MAX))
        .isInstanceOfSatisfying(MalformedMessageException.class, e -> {
          assertThat(e.code()).isEqualTo("MALFORMED");
          assertThat(e.eventId()).isEqualTo("bad-1");
          assertThat(e.getMessage()).contains("'specversion' must be 1.0 but was '0.3'")
              .contains("'time' must be an RFC 3339 timestamp but was 'yesterday'")
              .contains("'source' is missing").contains("'type' is missing");
        });
  }

  @Test
  void refusesAMessageOverTheLimitCountingBodyHeadersAndContentType() throws Exception {
    Event event = Event.builder().id("1").source("/s").type("t").data(new byte[100], "a/b")
        .build();
    AMQP.BasicProperties props = AmqpEventCodec.encode(event, false).build();
    long size = AmqpEventCodec.size(props, event.data());
    assertThat(size).isEqualTo(100 + "a/b".length() + "cloudEvents:specversion1.0".length()
        + "cloudEvents:id1".length() + "cloudEvents:source/s".length()
        + "cloudEvents:typet".length());
    assertThat(AmqpEventCodec.decode(props, event.data(), (int) size)).isEqualTo(event);
    assertThatThrownBy(() -> AmqpEventCodec.decode(props, event.data(), (int) size - 1))
        .isInstanceOfSatisfying(MalformedMessageException.class,
            e -> assertThat(e.code()).isEqualTo("TOO_LARGE"));
  }

  @Test
  void structuredModeTakesJsonDataAsItIsAndOtherDataAsTextOrBase64() throws Exception {
    AMQP.BasicProperties structured = new AMQP.BasicProperties.Builder()
        .contentType("application/cloudevents+json; charset=UTF-8").build();
    Event json = AmqpEventCodec.decode(structured, bytes("""
        {"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"a":[1,2]},
         "partitionkey":"k"}"""), MAX);
    assertThat(json.dataAsString()).isEqualTo("{\"a\":[1,2]}");
    assertThat(json.partitionKey()).contains("k");

    Event text = AmqpEventCodec.decode(structured, bytes("""
        {"specversion":"1.0","id":"2","source":"/s","type":"t","datacontenttype":"text/plain",
         "data":"hello"}"""), MAX);
    assertThat(text.dataAsString()).isEqualTo("hello");

    Event binary = AmqpEventCodec.decode(structured, bytes("""
        {"specversion":"1.0","id":"3","source":"/s","type":"t",
         "datacontenttype":"application/octet-stream","data_base64":"AAEC"}"""), MAX);
    assertThat(binary.data()).containsExactly(0, 1, 2);
  }

  @Test
  void structuredModeRefusesWhatIsNotOneJsonObject() {
    AMQP.BasicProperties structured = new AMQP.BasicProperties.Builder()
        .contentType("application/cloudevents+json").build();
    assertThatThrownBy(() -> AmqpEventCodec.decode(structured, bytes("[1,2]"), MAX))
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> AmqpEventCodec.decode(structured, bytes("{\"id\":"), MAX))
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void replyCarriesStatusCodeAndMessageAndDecodesBack() {
    Result failure = Result.error("9", "NO_SUCH_ACCOUNT", "account 7 does not exist");
    AMQP.BasicProperties props = AmqpEventCodec.replyProperties(failure, "corr-1");
    assertThat(props.getCorrelationId()).isEqualTo("corr-1");
    assertThat(AmqpEventCodec.decodeReply(props, new byte[0], "9")).isEqualTo(failure);

    Result ok = Result.ok("9", "done", "text/plain");
    assertThat(AmqpEventCodec.decodeReply(AmqpEventCodec.replyProperties(ok, "c"),
        ok.data(), "9")).isEqualTo(ok);
  }

  @Test
  void replyWithoutAStatusIsAnErrorNamingTheHeader() {
    Result r = AmqpEventCodec.decodeReply(new AMQP.BasicProperties(), bytes("?"), "5");
    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.errorCode()).contains("MALFORMED_REPLY");
    assertThat(r.errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("sluice-status"));
  }

  @Test
  void deadLetterKeepsTheOriginalHeadersAndAddsTheFailure() {
    AMQP.BasicProperties original = new AMQP.BasicProperties.Builder()
        .headers(Map.of("cloudEvents:id", "1")).expiration("500").replyTo("amq.rabbitmq.reply-to")
        .build();
    AMQP.BasicProperties dead = AmqpEventCodec.deadLetterProperties(original,
        Result.failure("1", Status.INVALID, "MALFORMED", "bad"), "q", "server-1");
    assertThat(dead.getHeaders()).containsEntry("cloudEvents:id", "1")
        .containsEntry("sluice-status", "INVALID").containsEntry("sluice-error-code", "MALFORMED")
        .containsEntry("sluice-error-message", "bad").containsEntry("sluice-queue", "q")
        .containsEntry("sluice-server", "server-1").containsKey("sluice-dead-lettered-at");
    assertThat(dead.getExpiration()).as("a dead letter never expires").isNull();
    assertThat(dead.getDeliveryMode()).isEqualTo(2);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
