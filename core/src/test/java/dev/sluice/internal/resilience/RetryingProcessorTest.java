package dev.sluice.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.RetryPolicy;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.AsyncEventProcessor;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryingProcessorTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  /** No jitter, so the waits are exact: 100ms, 200ms, 400ms, capped at 300ms. */
  private static final RetryPolicy POLICY =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(300), 2.0, 0.0);
  private static final Event EVENT =
      Event.builder().id("e-1").source("/test").type("test.retry").build();

  private final List<Duration> waits = new ArrayList<>();
  private final Counter retries = new SimpleMeterRegistry().counter("retries");
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  /** Time moves only when the processor waits. */
  private Instant now = NOW;
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  private RetryingProcessor retrying(EventProcessor delegate, RetryPolicy policy) {
    return new RetryingProcessor(delegate, "p", policy, clock, wait -> {
      waits.add(wait);
      now = now.plus(wait);
    }, scheduler, retries);
  }

  /** Fails retryably {@code failures} times, then answers OK. */
  private static EventProcessor failingTimes(int failures, AtomicInteger calls) {
    return (event, context) -> {
      if (calls.incrementAndGet() <= failures) {
        throw ProcessingException.retryable("BUSY", "downstream busy, call " + calls.get());
      }
      return Result.ok(event.id());
    };
  }

  @Test
  void retriesRetryableFailuresWithGrowingCappedBackoffUntilOk() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    Result result = retrying(failingTimes(3, calls), POLICY)
        .process(EVENT, DeadlineContext.far());

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(calls).hasValue(4);
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
        Duration.ofMillis(300));
    assertThat(retries.count()).isEqualTo(3.0);
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailureAndItsTimes() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> retrying(failingTimes(10, calls), POLICY)
        .process(EVENT, DeadlineContext.far()))
        .isInstanceOfSatisfying(RetriesExhaustedException.class, e -> {
          assertThat(e.attempts()).isEqualTo(4);
          assertThat(e.code()).isEqualTo("BUSY");
          assertThat(e.getMessage()).isEqualTo("downstream busy, call 4");
          assertThat(e.lastFailure().status()).isEqualTo(Status.ERROR);
          assertThat(e.firstFailure()).isEqualTo(NOW);
          assertThat(e.lastFailureTime()).isEqualTo(NOW.plusMillis(100 + 200 + 300));
        });
    assertThat(calls).hasValue(4);
  }

  @Test
  void neverRetriesANonRetryableFailure() {
    AtomicInteger calls = new AtomicInteger();
    EventProcessor bad = (event, context) -> {
      calls.incrementAndGet();
      throw new ProcessingException("BAD_INPUT", "no such account");
    };

    assertThatThrownBy(() -> retrying(bad, POLICY).process(EVENT, DeadlineContext.far()))
        .isExactlyInstanceOf(ProcessingException.class).hasMessage("no such account");
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void retriesAReturnedRetryableStatusButNotAnOpenBreakersRefusal() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    EventProcessor unavailable = (event, context) -> calls.incrementAndGet() == 1
        ? Result.failure(event.id(), Status.UNAVAILABLE, "DOWNSTREAM", "try again")
        : Result.failure(event.id(), Status.UNAVAILABLE, CircuitBreakingProcessor.CODE, "open");

    Result result = retrying(unavailable, POLICY).process(EVENT, DeadlineContext.far());

    assertThat(result.errorCode()).contains(CircuitBreakingProcessor.CODE);
    assertThat(calls).hasValue(2);
  }

  @Test
  void makesNoRetryWhoseWaitWouldEndAfterTheDeadline() {
    AtomicInteger calls = new AtomicInteger();
    DeadlineContext soon = new DeadlineContext(NOW.plusMillis(250));

    // 100ms fits before the deadline, 100+200ms does not
    assertThatThrownBy(() -> retrying(failingTimes(10, calls), POLICY).process(EVENT, soon))
        .isInstanceOfSatisfying(RetriesExhaustedException.class,
            e -> assertThat(e.attempts()).isEqualTo(2));
    assertThat(waits).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void oneAttemptPolicyAnswersTheFirstRetryableFailure() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(() -> retrying(failingTimes(10, calls), RetryPolicy.NONE)
        .process(EVENT, DeadlineContext.far()))
        .isInstanceOfSatisfying(RetriesExhaustedException.class,
            e -> assertThat(e.attempts()).isEqualTo(1));
    assertThat(calls).hasValue(1);
  }

  @Test
  void asyncProcessorsAreRetriedOnTheScheduler() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AsyncEventProcessor async = (event, context) -> calls.incrementAndGet() <= 2
        ? CompletableFuture.failedFuture(ProcessingException.retryable("BUSY", "busy"))
        : CompletableFuture.completedFuture(Result.ok(event.id()));
    RetryPolicy quick = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), 2.0, 0.0);

    Result result = retrying(async, quick).processAsync(EVENT, DeadlineContext.far())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(calls).hasValue(3);
    assertThat(retries.count()).isEqualTo(2.0);
  }
}
