package dev.sluice.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.internal.services.InMemoryEventStore;
import dev.sluice.spi.AsyncEventProcessor;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadLetteringProcessorTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final Event EVENT = Event.builder().id("e-1").source("/test")
      .type("test.dead").data("{\"order\": 7}", "application/json").build();

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100);
  private final Counter deadLetters = new SimpleMeterRegistry().counter("dead");

  private DeadLetteringProcessor deadLettering(EventProcessor delegate) {
    return new DeadLetteringProcessor(delegate, "p", store, clock, deadLetters);
  }

  @Test
  void keepsAnEventWhoseRetriesAreUsedUpWithAttemptsTimesAndTheLastFailure() throws Exception {
    Instant first = NOW.minusSeconds(3);
    EventProcessor exhausted = (event, context) -> {
      throw new RetriesExhaustedException(
          Result.failure(event.id(), Status.ERROR, "FLAKY", "failing on purpose"), 3, first,
          NOW.minusSeconds(1), null);
    };

    Result result = deadLettering(exhausted).process(EVENT, DeadlineContext.far());

    assertThat(result.status()).isEqualTo(Status.ERROR);
    assertThat(result.errorCode()).contains("FLAKY");
    assertThat(result.isDeadLettered()).isTrue();
    assertThat(store.deadLetters()).singleElement().satisfies(letter -> {
      assertThat(letter.event()).isEqualTo(EVENT);
      assertThat(letter.processor()).isEqualTo("p");
      assertThat(letter.attempts()).isEqualTo(3);
      assertThat(letter.firstFailure()).isEqualTo(first);
      assertThat(letter.lastFailure()).isEqualTo(NOW.minusSeconds(1));
      assertThat(letter.failure().errorMessage()).contains("failing on purpose");
    });
    assertThat(deadLetters.count()).isEqualTo(1.0);
  }

  @Test
  void keepsANonRetryableFailureAfterOneAttempt() throws Exception {
    EventProcessor bad = (event, context) -> {
      throw new ProcessingException("BAD_INPUT", "no such account");
    };

    Result result = deadLettering(bad).process(EVENT, DeadlineContext.far());

    assertThat(result.isDeadLettered()).isTrue();
    assertThat(store.deadLetters()).singleElement()
        .extracting(DeadLetter::attempts).isEqualTo(1);
  }

  @Test
  void keepsAnUnexpectedExceptionAsProcessorFailed() throws Exception {
    EventProcessor broken = (event, context) -> {
      throw new IllegalStateException("bug");
    };

    Result result = deadLettering(broken).process(EVENT, DeadlineContext.far());

    assertThat(result.errorCode()).contains("PROCESSOR_FAILED");
    assertThat(result.errorMessage().orElseThrow()).contains("IllegalStateException: bug");
    assertThat(result.isDeadLettered()).isTrue();
  }

  @Test
  void passesReturnedResultsThroughEvenFailures() throws Exception {
    EventProcessor answering = (event, context) -> Result.error(event.id(), "NOPE", "declined");

    Result result = deadLettering(answering).process(EVENT, DeadlineContext.far());

    assertThat(result.isDeadLettered()).isFalse();
    assertThat(store.deadLetters()).isEmpty();
  }

  @Test
  void leavesAnInterruptedCallToTheLaneThatTimedItOut() {
    EventProcessor interrupted = (event, context) -> {
      throw new InterruptedException("timed out");
    };

    assertThatThrownBy(() -> deadLettering(interrupted).process(EVENT, DeadlineContext.far()))
        .isInstanceOf(InterruptedException.class);
    assertThat(store.deadLetters()).isEmpty();
  }

  @Test
  void marksTheResultEvenWhenTheStoreCannotKeepTheLetter() throws Exception {
    ControllableStore broken = new ControllableStore(clock);
    broken.failing = true;
    EventProcessor bad = (event, context) -> {
      throw new ProcessingException("BAD_INPUT", "no such account");
    };

    Result result = new DeadLetteringProcessor(bad, "p", broken, clock, deadLetters)
        .process(EVENT, DeadlineContext.far());

    assertThat(result.isDeadLettered()).isTrue();
  }

  @Test
  void asyncFailuresAreDeadLetteredToo() throws Exception {
    AsyncEventProcessor failing = (event, context) ->
        CompletableFuture.failedFuture(new ProcessingException("BAD_INPUT", "no"));

    Result result = deadLettering(failing).processAsync(EVENT, DeadlineContext.far())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(result.isDeadLettered()).isTrue();
    assertThat(store.deadLetters()).hasSize(1);
  }
}
