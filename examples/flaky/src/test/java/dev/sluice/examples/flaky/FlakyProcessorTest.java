package dev.sluice.examples.flaky;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.ProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestProcessorContext;

class FlakyProcessorTest {

  @Test
  void echoesTheDataWhenNotAskedToFail() throws Exception {
    Result result = new FlakyProcessor().process(json("{\"order\": 7}"), TestProcessorContext.empty());

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.eventId()).isEqualTo("1");
    assertThat(result.dataAsString()).isEqualTo("{\"order\": 7}");
    assertThat(result.dataContentType()).contains("application/json");
  }

  @Test
  void failsRetryablyWhenTheDataAsksForIt() {
    assertThatThrownBy(() -> new FlakyProcessor().process(json("{\"fail\": true}"),
        TestProcessorContext.empty()))
        .isInstanceOfSatisfying(ProcessingException.class, e -> {
          assertThat(e.code()).isEqualTo("FLAKY");
          assertThat(e.isRetryable()).isTrue();
        })
        .hasMessage("failing on purpose: the event's data has \"fail\": true");
  }

  @Test
  void failsOnlyForTheJsonBooleanTrue() throws Exception {
    FlakyProcessor processor = new FlakyProcessor();
    for (String data : List.of("{\"fail\": false}", "{\"fail\": \"true\"}", "{\"fail\": 1}",
        "[{\"fail\": true}]", "{\"nested\": {\"fail\": true}}", "fail: true", "")) {
      Event event = Event.builder().id("1").source("/test").type(FlakyProcessor.TYPE)
          .data(data, "text/plain").build();
      assertThat(processor.process(event, TestProcessorContext.empty()).isOk()).as(data).isTrue();
    }
  }

  @Test
  void neverFailsAtRandomByDefault() throws Exception {
    FlakyProcessor processor = new FlakyProcessor();
    TestProcessorContext context = TestProcessorContext.empty();
    for (int i = 0; i < 1000; i++) {
      assertThat(processor.process(json("{}"), context).isOk()).isTrue();
    }
  }

  @Test
  void alwaysFailsAtRateOne() {
    FlakyProcessor processor = new FlakyProcessor();
    TestProcessorContext context = TestProcessorContext.of(Map.of(FlakyProcessor.FAIL_RATE, 1.0));
    for (int i = 0; i < 100; i++) {
      assertThatThrownBy(() -> processor.process(json("{}"), context))
          .isInstanceOf(ProcessingException.class)
          .hasMessage("failing on purpose: a random failure (fail-rate 1.0)");
    }
  }

  @Test
  void failsAtAboutTheConfiguredRate() {
    List<Boolean> outcomes = outcomes(Map.of(FlakyProcessor.FAIL_RATE, 0.3,
        FlakyProcessor.SEED, 7L), 10_000);

    long failures = outcomes.stream().filter(failed -> failed).count();
    assertThat(failures).isBetween(2_700L, 3_300L);
  }

  @Test
  void repeatsTheSameOutcomesForTheSameSeed() {
    Map<String, Object> settings = Map.of(FlakyProcessor.FAIL_RATE, 0.5, FlakyProcessor.SEED, 42L);

    assertThat(outcomes(settings, 200)).isEqualTo(outcomes(settings, 200))
        .contains(true, false);
  }

  @Test
  void failsOnBadSettings() {
    for (Object rate : List.of(1.5, -0.1)) {
      assertThatThrownBy(() -> new FlakyProcessor().process(json("{}"),
          TestProcessorContext.of(Map.of(FlakyProcessor.FAIL_RATE, rate))))
          .isInstanceOfSatisfying(ProcessingException.class,
              e -> assertThat(e.code()).isEqualTo("BAD_SETTINGS"))
          .hasMessageContaining("fail-rate: must be a probability from 0.0 to 1.0, was " + rate);
    }
    assertThatThrownBy(() -> new FlakyProcessor().process(json("{}"),
        TestProcessorContext.of(Map.of("failrate", 0.5))))
        .isInstanceOfSatisfying(ProcessingException.class,
            e -> assertThat(e.code()).isEqualTo("BAD_SETTINGS"))
        .hasMessageContaining("failrate");
  }

  /** Runs {@code n} events through one new processor; true for each that failed. */
  private static List<Boolean> outcomes(Map<String, ?> settings, int n) {
    FlakyProcessor processor = new FlakyProcessor();
    TestProcessorContext context = TestProcessorContext.of(settings);
    List<Boolean> failed = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      try {
        processor.process(json("{}"), context);
        failed.add(false);
      } catch (ProcessingException e) {
        assertThat(e.code()).isEqualTo("FLAKY");
        failed.add(true);
      }
    }
    return failed;
  }

  private static Event json(String data) {
    return Event.builder().id("1").source("/test").type(FlakyProcessor.TYPE)
        .data(data, "application/json").build();
  }
}
