package dev.sluice.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.ProcessingException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestProcessorContext;

class WordCountProcessorTest {
  private final WordCountProcessor processor = new WordCountProcessor();

  @Test
  void answersTheCountAndTheTopWordsAsJson() throws Exception {
    Result result = processor.process(json("{\"text\": \"The cat saw the dog.\"}"),
        TestProcessorContext.empty());

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.eventId()).isEqualTo("1");
    assertThat(result.dataContentType()).contains("application/json");
    assertThat(result.dataAsString())
        .isEqualTo("{\"words\":5,\"top\":[[\"the\",2],[\"cat\",1],[\"dog\",1],[\"saw\",1]]}");
  }

  @Test
  void answersZeroWordsForAnEmptyText() throws Exception {
    Result result = processor.process(json("{\"text\": \"\"}"), TestProcessorContext.empty());

    assertThat(result.dataAsString()).isEqualTo("{\"words\":0,\"top\":[]}");
  }

  @Test
  void ignoresOtherFields() throws Exception {
    Result result = processor.process(json("{\"lang\": \"en\", \"text\": \"hi\"}"),
        TestProcessorContext.empty());

    assertThat(result.dataAsString()).isEqualTo("{\"words\":1,\"top\":[[\"hi\",1]]}");
  }

  @Test
  void recordsTheWordsOfEachText() throws Exception {
    TestProcessorContext context = TestProcessorContext.empty();

    processor.process(json("{\"text\": \"a b c\"}"), context);
    processor.process(json("{\"text\": \"d\"}"), context);

    var summary = context.metrics().get("sluice.processor.test.words").summary();
    assertThat(summary.count()).isEqualTo(2);
    assertThat(summary.totalAmount()).isEqualTo(4.0);
  }

  @Test
  void rejectsDataThatIsNotJson() throws Exception {
    assertBadInput(json("the cat"), "data is not valid JSON (");
    assertBadInput(json("{\"text\": \"a\"} trailing"), "data is not valid JSON (");
    assertBadInput(json("{\"text\": \"a\", \"text\": \"b\"}"), "data is not valid JSON (");
  }

  @Test
  void rejectsEmptyData() throws Exception {
    assertBadInput(Event.builder().id("1").source("/test").type(WordCountProcessor.TYPE).build(),
        "data is empty; expected a JSON object such as {\"text\": \"...\"}");
    assertBadInput(json("  "), "data is empty; ");
  }

  @Test
  void rejectsJsonThatIsNotAnObjectWithAStringText() throws Exception {
    assertBadInput(json("[\"text\"]"),
        "data is a JSON array; expected a JSON object such as {\"text\": \"...\"}");
    assertBadInput(json("{\"txt\": \"a\"}"),
        "data has no \"text\" field; expected a JSON object such as {\"text\": \"...\"}");
    assertBadInput(json("{\"text\": 42}"), "\"text\" is a JSON number, not a string; ");
    assertBadInput(json("{\"text\": null}"), "\"text\" is a JSON null, not a string; ");
  }

  @Test
  void rejectsATextLongerThanTheLimit() throws Exception {
    TestProcessorContext context = TestProcessorContext.of(Map.of(WordCountProcessor.MAX_TEXT_CHARS, 10));

    assertThat(processor.process(json("{\"text\": \"0123456789\"}"), context).status())
        .isEqualTo(Status.OK);
    Result tooLong = processor.process(json("{\"text\": \"0123456789a\"}"), context);

    assertThat(tooLong.status()).isEqualTo(Status.INVALID);
    assertThat(tooLong.errorCode()).contains("TEXT_TOO_LONG");
    assertThat(tooLong.errorMessage().orElseThrow()).isEqualTo("\"text\" has 11 characters, more than the 10 "
        + "allowed (setting max-text-chars); split it into several events");
  }

  @Test
  void failsOnBadSettings() {
    assertThatThrownBy(() -> processor.process(json("{\"text\": \"a\"}"),
        TestProcessorContext.of(Map.of(WordCountProcessor.MAX_TEXT_CHARS, 0))))
        .isInstanceOfSatisfying(ProcessingException.class,
            e -> assertThat(e.code()).isEqualTo("BAD_SETTINGS"))
        .hasMessageContaining("max-text-chars: must be at least 1, was 0");
    assertThatThrownBy(() -> processor.process(json("{\"text\": \"a\"}"),
        TestProcessorContext.of(Map.of("max-text-char", 10))))
        .isInstanceOfSatisfying(ProcessingException.class,
            e -> assertThat(e.code()).isEqualTo("BAD_SETTINGS"))
        .hasMessageContaining("max-text-char");
  }

  private void assertBadInput(Event event, String message) throws Exception {
    Result result = processor.process(event, TestProcessorContext.empty());

    assertThat(result.status()).isEqualTo(Status.INVALID);
    assertThat(result.eventId()).isEqualTo("1");
    assertThat(result.errorCode()).contains("BAD_INPUT");
    assertThat(result.errorMessage()).hasValueSatisfying(m -> assertThat(m).startsWith(message));
  }

  private static Event json(String data) {
    return Event.builder().id("1").source("/test").type(WordCountProcessor.TYPE)
        .data(data, "application/json").build();
  }
}
