package dev.sluice.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.BreakerPolicy;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CircuitBreakingProcessorTest {
  /** Opens when half of the last 4 calls failed; one trial call when half-open. */
  private static final BreakerPolicy POLICY =
      new BreakerPolicy(true, 50.0, 4, 4, Duration.ofMinutes(1), 1);
  private static final Event EVENT =
      Event.builder().id("e-1").source("/test").type("test.breaker").build();

  private final Breaker watched =
      new Breakers(new SimpleMeterRegistry()).create("processor:p", POLICY);
  private final CircuitBreaker breaker = watched.circuitBreaker();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final EventProcessor downstream = (event, context) -> {
    calls.incrementAndGet();
    if (failing.get()) {
      throw ProcessingException.retryable("DOWN", "downstream down");
    }
    return Result.ok(event.id());
  };
  private final CircuitBreakingProcessor processor =
      new CircuitBreakingProcessor(downstream, "p", watched);

  private void failFourTimes() {
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> processor.process(EVENT, DeadlineContext.far()))
          .isInstanceOf(ProcessingException.class);
    }
  }

  @Test
  void opensUnderFailuresAndThenRefusesWithoutCallingTheProcessor() throws Exception {
    failFourTimes();

    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    Result refused = processor.process(EVENT, DeadlineContext.far());
    assertThat(refused.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(refused.errorCode()).contains("CIRCUIT_OPEN");
    assertThat(refused.errorMessage().orElseThrow()).contains("processor 'p' is failing",
        "100.0% of the last 4 calls failed", "retry later");
    assertThat(processor.refuse(EVENT)).isEqualTo(refused);
    assertThat(calls).hasValue(4);
  }

  @Test
  void deliberateErrorsAreTheEventsFaultAndDoNotOpenIt() throws Exception {
    EventProcessor rejecting = (event, context) -> {
      throw new ProcessingException("BAD_INPUT", "no such account");
    };
    CircuitBreakingProcessor p = new CircuitBreakingProcessor(rejecting, "p", watched);
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> p.process(EVENT, DeadlineContext.far()))
          .hasMessage("no such account");
    }

    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(p.refuse(EVENT)).isNull();
  }

  @Test
  void halfOpensThenClosesWhenTheTrialCallSucceeds() throws Exception {
    failFourTimes();
    breaker.transitionToHalfOpenState(); // what wait-in-open does on time
    failing.set(false);

    assertThat(processor.refuse(EVENT)).isNull();
    assertThat(processor.process(EVENT, DeadlineContext.far()).status()).isEqualTo(Status.OK);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void halfOpenReopensWhenTheTrialCallFails() {
    failFourTimes();
    breaker.transitionToHalfOpenState();

    assertThatThrownBy(() -> processor.process(EVENT, DeadlineContext.far()))
        .isInstanceOf(ProcessingException.class);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void callsCutShortBeforeTheirDeadlineDoNotCount() {
    EventProcessor cancelled = (event, context) -> {
      throw new InterruptedException("a fan-out has its answer");
    };
    CircuitBreakingProcessor p = new CircuitBreakingProcessor(cancelled, "p", watched);
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> p.process(EVENT, DeadlineContext.far()))
          .isInstanceOf(InterruptedException.class);
    }

    assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void callsInterruptedAtTheirDeadlineWereTooSlowAndCount() {
    EventProcessor slow = (event, context) -> {
      throw new InterruptedException("processor timeout");
    };
    CircuitBreakingProcessor p = new CircuitBreakingProcessor(slow, "p", watched);
    DeadlineContext passed = new DeadlineContext(java.time.Instant.now().minusSeconds(1));
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> p.process(EVENT, passed)).isInstanceOf(InterruptedException.class);
    }

    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void aDisabledBreakerNeverRefuses() throws Exception {
    Breaker disabled = new Breakers(new SimpleMeterRegistry())
        .create("processor:q", BreakerPolicy.DISABLED);
    CircuitBreakingProcessor p = new CircuitBreakingProcessor(downstream, "q", disabled);
    for (int i = 0; i < 100; i++) {
      assertThatThrownBy(() -> p.process(EVENT, DeadlineContext.far()))
          .isInstanceOf(ProcessingException.class);
    }

    assertThat(p.refuse(EVENT)).isNull();
    assertThat(calls).hasValue(100);
  }
}
