package dev.sluice.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestProcessorContext;

class EchoProcessorTest {
  private final EchoProcessor processor = new EchoProcessor();

  @Test
  void answersWithTheSameDataAndContentType() {
    Event event = event().data("{\"hello\": \"world\"}", "application/json").build();

    Result result = processor.process(event, TestProcessorContext.empty());

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.eventId()).isEqualTo("1");
    assertThat(result.dataAsString()).isEqualTo("{\"hello\": \"world\"}");
    assertThat(result.dataContentType()).contains("application/json");
  }

  @Test
  void keepsBinaryDataByteForByte() {
    byte[] bytes = {0, (byte) 0xff, (byte) 0xc3, 0x28, 10};
    Event event = event().data(bytes, "application/octet-stream").build();

    Result result = processor.process(event, TestProcessorContext.empty());

    assertThat(result.data()).containsExactly(bytes);
    assertThat(result.dataContentType()).contains("application/octet-stream");
  }

  @Test
  void answersAnEventWithoutDataWithAnEmptyOk() {
    Result result = processor.process(event().build(), TestProcessorContext.empty());

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.hasData()).isFalse();
    assertThat(result.dataContentType()).isEmpty();
  }

  private static Event.Builder event() {
    return Event.builder().id("1").source("/test").type(EchoProcessor.TYPE);
  }
}
