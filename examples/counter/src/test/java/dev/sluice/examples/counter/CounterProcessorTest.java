package dev.sluice.examples.counter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.spi.LockTimeoutException;
import dev.sluice.spi.ProcessingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestProcessorContext;

class CounterProcessorTest {
  private final CounterProcessor processor = new CounterProcessor();
  private final TestLocks locks = new TestLocks();
  private final TestProcessorContext context = TestProcessorContext.empty().withServices(locks, locks);
  private final AtomicInteger ids = new AtomicInteger();

  @Test
  void addsTheDeltaAndAnswersTheNewValue() throws Exception {
    assertThat(add("{\"counter\": \"visits\", \"delta\": 3}").dataAsString())
        .isEqualTo("{\"counter\":\"visits\",\"value\":3}");
    Result second = add("{\"counter\": \"visits\", \"delta\": 4}");

    assertThat(second.status()).isEqualTo(Status.OK);
    assertThat(second.dataContentType()).contains("application/json");
    assertThat(second.dataAsString()).isEqualTo("{\"counter\":\"visits\",\"value\":7}");
    assertThat(stored("counter:visits")).isEqualTo("7");
  }

  @Test
  void keepsCountersApartAndCaseSensitive() throws Exception {
    add("{\"counter\": \"a\", \"delta\": 1}");
    add("{\"counter\": \"A\", \"delta\": 5}");

    assertThat(add("{\"counter\": \"a\", \"delta\": 0}").dataAsString()).contains("\"value\":1");
    assertThat(add("{\"counter\": \"A\", \"delta\": 0}").dataAsString()).contains("\"value\":5");
  }

  @Test
  void subtractsANegativeDeltaBelowZero() throws Exception {
    assertThat(add("{\"counter\": \"stock\", \"delta\": -2}").dataAsString())
        .isEqualTo("{\"counter\":\"stock\",\"value\":-2}");
  }

  @Test
  void readsUnderTheLockAndWritesNothingForDeltaZero() throws Exception {
    assertThat(add("{\"counter\": \"visits\", \"delta\": 0}").dataAsString())
        .isEqualTo("{\"counter\":\"visits\",\"value\":0}");
    assertThat(locks.granted).containsExactly("counter:visits");
    assertThat(locks.get("counter:visits")).isEmpty();
  }

  @Test
  void losesNoIncrementUnderConcurrency() throws Exception {
    int threads = 8;
    int perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            assertThat(add("{\"counter\": \"hot\", \"delta\": 1}").isOk()).isTrue();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(stored("counter:hot")).isEqualTo(String.valueOf(threads * perThread));
  }

  @Test
  void refusesTheWriteOfAHolderThatLostItsLock() {
    add0("{\"counter\": \"visits\", \"delta\": 1}");
    locks.whileHeld(() -> locks.takeOver("counter:visits"));

    assertThatThrownBy(() -> add("{\"counter\": \"visits\", \"delta\": 1}"))
        .isInstanceOfSatisfying(FencedWriteException.class, e -> {
          assertThat(e.code()).isEqualTo("FENCED");
          assertThat(e.isRetryable()).isTrue();
        });
    assertThat(stored("counter:visits")).isEqualTo("1");
  }

  @Test
  void givesUpWhenTheLockIsNotFreeWithinTheWait() throws Exception {
    TestProcessorContext shortWait = TestProcessorContext.of(Map.of(CounterProcessor.LOCK_WAIT, "1ms"))
        .withServices(locks, locks);
    Lease other = locks.acquire("counter:visits", Duration.ofMinutes(1), Duration.ZERO)
        .orElseThrow();
    try {
      assertThatThrownBy(() -> processor.process(event("{\"counter\": \"visits\", \"delta\": 1}"),
          shortWait))
          .isInstanceOfSatisfying(LockTimeoutException.class, e -> {
            assertThat(e.code()).isEqualTo("LOCK_TIMEOUT");
            assertThat(e.isRetryable()).isTrue();
          });
    } finally {
      locks.release(other);
    }
  }

  @Test
  void refusesASumBeyondTheRangeOfALong() throws Exception {
    add("{\"counter\": \"big\", \"delta\": " + CounterProcessor.MAX_DELTA + "}");
    for (int i = 0; i < 1023; i++) {
      add("{\"counter\": \"big\", \"delta\": " + CounterProcessor.MAX_DELTA + "}");
    }
    String before = stored("counter:big");

    Result result = add("{\"counter\": \"big\", \"delta\": " + CounterProcessor.MAX_DELTA + "}");

    assertThat(result.status()).isEqualTo(Status.INVALID);
    assertThat(result.errorCode()).contains("OUT_OF_RANGE");
    assertThat(result.errorMessage().orElseThrow()).isEqualTo("counter 'big' is " + before
        + "; adding " + CounterProcessor.MAX_DELTA
        + " would leave the range of a 64-bit integer, so it was left unchanged");
    assertThat(stored("counter:big")).isEqualTo(before);
  }

  @Test
  void acceptsTheLargestDeltaEitherWay() throws Exception {
    assertThat(add("{\"counter\": \"c\", \"delta\": -9007199254740991}").isOk()).isTrue();
    assertThat(add("{\"counter\": \"c\", \"delta\": 9007199254740991}").dataAsString())
        .contains("\"value\":0");
  }

  @Test
  void acceptsNamesOfUpToSixtyFourAllowedCharacters() throws Exception {
    String name = "a.B_c-9" + "x".repeat(57);

    assertThat(add("{\"counter\": \"" + name + "\", \"delta\": 1}").isOk()).isTrue();
    assertThat(locks.granted).containsExactly("counter:" + name);
  }

  @Test
  void rejectsDataThatIsNotAJsonObject() {
    assertBadInput("counter=visits", "data is not valid JSON (");
    assertBadInput("", "data is empty; expected a JSON object such as "
        + "{\"counter\": \"visits\", \"delta\": 1}");
    assertBadInput("[1]", "data is a JSON array; expected");
  }

  @Test
  void listsEveryProblemOfTheInputAtOnce() {
    assertBadInput("{}", "\"counter\" is missing; \"delta\" is missing; expected a JSON object"
        + " such as {\"counter\": \"visits\", \"delta\": 1}");
    assertBadInput("{\"counter\": 7, \"delta\": \"1\"}", "\"counter\" is a JSON number, not a "
        + "string; \"delta\" must be an integer, was a JSON string; expected");
  }

  @Test
  void rejectsBadCounterNames() {
    String rule = "\"counter\" must be 1 to 64 ASCII letters, digits, '.', '_' or '-' starting"
        + " with a letter or digit, was ";
    assertBadInput("{\"counter\": \"\", \"delta\": 1}", rule + "\"\"");
    assertBadInput("{\"counter\": \"two words\", \"delta\": 1}", rule + "\"two words\"");
    assertBadInput("{\"counter\": \".hidden\", \"delta\": 1}", rule + "\".hidden\"");
    assertBadInput("{\"counter\": \"caf\u00e9\", \"delta\": 1}", rule + "\"caf\u00e9\"");
    assertBadInput("{\"counter\": \"" + "x".repeat(65) + "\", \"delta\": 1}", rule);
    assertBadInput("{\"counter\": \"" + "x".repeat(500) + "\", \"delta\": 1}",
        rule + "\"" + "x".repeat(80) + "...(500 chars)\"");
  }

  @Test
  void rejectsDeltasThatAreNotIntegersInRange() {
    assertBadInput("{\"counter\": \"c\", \"delta\": 1.5}",
        "\"delta\" must be an integer, was a JSON number with a fraction or exponent; ");
    assertBadInput("{\"counter\": \"c\", \"delta\": 1e3}",
        "\"delta\" must be an integer, was a JSON number with a fraction or exponent; ");
    assertBadInput("{\"counter\": \"c\", \"delta\": null}",
        "\"delta\" must be an integer, was a JSON null; ");
    assertBadInput("{\"counter\": \"c\", \"delta\": 9007199254740992}",
        "\"delta\" must be between -9007199254740991 and 9007199254740991, was 9007199254740992");
    assertBadInput("{\"counter\": \"c\", \"delta\": -9223372036854775808}",
        "\"delta\" must be between -9007199254740991 and 9007199254740991, was ");
    assertBadInput("{\"counter\": \"c\", \"delta\": 123456789012345678901234567890}",
        "\"delta\" must be between ");
    assertThat(locks.granted).isEmpty();
  }

  @Test
  void answersUnavailableWithoutALockServiceOrStateStore() throws Exception {
    Result result = processor.process(event("{\"counter\": \"c\", \"delta\": 1}"),
        TestProcessorContext.empty());

    assertThat(result.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(result.errorCode()).contains("NO_STATE");
  }

  @Test
  void failsOnBadSettings() {
    assertThatThrownBy(() -> processor.process(event("{\"counter\": \"c\", \"delta\": 1}"),
        TestProcessorContext.of(Map.of(CounterProcessor.LOCK_LEASE, "0s", CounterProcessor.LOCK_WAIT,
            "PT-1S")).withServices(locks, locks)))
        .isInstanceOfSatisfying(ProcessingException.class,
            e -> assertThat(e.code()).isEqualTo("BAD_SETTINGS"))
        .hasMessageContaining("lock-lease: must be a positive duration such as 10s, was PT0S")
        .hasMessageContaining("lock-wait: must be a positive duration such as 10s, was PT-1S");
    assertThatThrownBy(() -> processor.process(event("{\"counter\": \"c\", \"delta\": 1}"),
        TestProcessorContext.of(Map.of("lock-timeout", "1s")).withServices(locks, locks)))
        .isInstanceOfSatisfying(ProcessingException.class,
            e -> assertThat(e.code()).isEqualTo("BAD_SETTINGS"))
        .hasMessageContaining("lock-timeout");
  }

  private Result add(String data) throws Exception {
    return processor.process(event(data), context);
  }

  private void add0(String data) {
    try {
      add(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Event event(String data) {
    return Event.builder().id(String.valueOf(ids.incrementAndGet())).source("/test")
        .type(CounterProcessor.TYPE).data(data, "application/json").build();
  }

  private String stored(String key) {
    return locks.get(key).map(b -> new String(b, StandardCharsets.US_ASCII)).orElse(null);
  }

  private void assertBadInput(String data, String message) {
    Result result;
    try {
      result = add(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(result.status()).isEqualTo(Status.INVALID);
    assertThat(result.errorCode()).contains("BAD_INPUT");
    assertThat(result.errorMessage()).hasValueSatisfying(m -> assertThat(m).startsWith(message));
  }
}
