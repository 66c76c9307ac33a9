package dev.sluice.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.BreakerPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The breaker's meters and state notices, made without resilience4j's per-call events. */
class BreakerTest {
  /** Opens when half of the last 4 calls failed. */
  private static final BreakerPolicy POLICY =
      new BreakerPolicy(true, 50.0, 4, 4, Duration.ofMinutes(1), 1);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Breaker breaker = new Breakers(meters).create("processor:p", POLICY);

  @Test
  void countsCallsByOutcomeWithTheirTimeAndTheRefusals() {
    call(true, 2_000_000);
    call(true, 4_000_000);
    call(false, 1_000_000);
    call(false, 1_000_000); // 2 of 4 failed: opens
    assertThat(breaker.tryAcquirePermission()).isFalse();
    assertThat(breaker.tryAcquirePermission()).isFalse();

    FunctionTimer ok = calls("successful");
    assertThat(ok.count()).isEqualTo(2);
    assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6.0);
    assertThat(calls("failed").count()).isEqualTo(2);
    assertThat(meters.get("resilience4j.circuitbreaker.not.permitted.calls")
        .tag("name", "processor:p").functionCounter().count()).isEqualTo(2);
    assertThat(meters.get("resilience4j.circuitbreaker.state").tag("name", "processor:p")
        .tag("state", "open").gauge().value()).isEqualTo(1);
    assertThat(meters.get("resilience4j.circuitbreaker.state").tag("name", "processor:p")
        .tag("state", "closed").gauge().value()).isZero();
    assertThat(meters.get("resilience4j.circuitbreaker.failure.rate").tag("name", "processor:p")
        .gauge().value()).isEqualTo(50.0);
  }

  @Test
  void theCallThatChangesTheStateReportsItBeforeItReturnsAndOnlyOnce() {
    List<CircuitBreaker.State> seen = new ArrayList<>();
    breaker.onStateChange(() -> seen.add(breaker.circuitBreaker().getState()));
    call(false, 1);
    call(false, 1);
    call(true, 1);
    assertThat(seen).isEmpty();
    call(true, 1); // the 4th call: 2 of 4 failed
    assertThat(seen).containsExactly(CircuitBreaker.State.OPEN);

    breaker.checkState();
    assertThat(seen).as("nothing changed since").hasSize(1);
  }

  @Test
  void aRoundTripBetweenTwoLooksIsReportedAsAChange() {
    List<CircuitBreaker.State> seen = new ArrayList<>();
    breaker.circuitBreaker().transitionToOpenState();
    breaker.checkState();
    breaker.onStateChange(() -> seen.add(breaker.circuitBreaker().getState()));

    breaker.circuitBreaker().transitionToHalfOpenState();
    breaker.circuitBreaker().transitionToOpenState();
    breaker.checkState();

    assertThat(seen).containsExactly(CircuitBreaker.State.OPEN);
  }

  @Test
  void decidesAndCountsAsAWindowThatRecordedEverySuccess() {
    BreakerPolicy policy = new BreakerPolicy(true, 50.0, 5, 10, Duration.ofMinutes(1), 3);
    Breaker tested = new Breakers(new SimpleMeterRegistry()).create("tested", policy);
    CircuitBreaker reference = CircuitBreaker.of("reference", Breakers.config(policy));
    long slow = reference.getCircuitBreakerConfig().getSlowCallDurationThreshold().toNanos();
    java.util.Random random = new java.util.Random(7);
    int closedRun = 0;
    int runsPastTwiceTheWindow = 0;
    for (int run = 0; run < 2_000; run++) {
      // long runs of successes (past twice the window, where they are not all recorded),
      // a few failures, now and then a slow success
      int successes = random.nextInt(4) == 0 ? random.nextInt(60) : random.nextInt(4);
      for (int i = 0; i < successes; i++) {
        long nanos = random.nextInt(50) == 0 ? slow + 1 : 1_000;
        boolean closed = reference.getState() == CircuitBreaker.State.CLOSED;
        if (step(tested, reference, true, nanos) && closed && nanos < slow) {
          if (++closedRun == 2 * 10 + 1) {
            runsPastTwiceTheWindow++; // from here on, successes are not all recorded
          }
        } else {
          closedRun = 0;
        }
      }
      for (int i = random.nextInt(3); i > 0; i--) {
        step(tested, reference, false, 1_000);
        closedRun = 0;
      }
      if (reference.getState() == CircuitBreaker.State.OPEN) {
        reference.transitionToHalfOpenState();
        tested.circuitBreaker().transitionToHalfOpenState();
        tested.checkState();
      }
    }
    assertThat(runsPastTwiceTheWindow).as("runs where successes went unrecorded")
        .isGreaterThan(50);
  }

  /** One call to both; false when both refused it. Compares what the window decides on. */
  private static boolean step(Breaker tested, CircuitBreaker reference, boolean succeeds,
      long nanos) {
    boolean permitted = reference.tryAcquirePermission();
    assertThat(tested.tryAcquirePermission()).isEqualTo(permitted);
    if (!permitted) {
      return false;
    }
    if (succeeds) {
      reference.onSuccess(nanos, TimeUnit.NANOSECONDS);
      tested.onSuccess(nanos);
    } else {
      reference.onError(nanos, TimeUnit.NANOSECONDS, new IllegalStateException("failed"));
      tested.onError(nanos, new IllegalStateException("failed"));
    }
    CircuitBreaker.Metrics want = reference.getMetrics();
    CircuitBreaker.Metrics got = tested.circuitBreaker().getMetrics();
    assertThat(tested.circuitBreaker().getState()).isEqualTo(reference.getState());
    assertThat(got.getFailureRate()).isEqualTo(want.getFailureRate());
    assertThat(got.getSlowCallRate()).isEqualTo(want.getSlowCallRate());
    assertThat(got.getNumberOfBufferedCalls()).isEqualTo(want.getNumberOfBufferedCalls());
    assertThat(got.getNumberOfFailedCalls()).isEqualTo(want.getNumberOfFailedCalls());
    assertThat(got.getNumberOfSlowCalls()).isEqualTo(want.getNumberOfSlowCalls());
    return true;
  }

  private void call(boolean succeeds, long nanos) {
    assertThat(breaker.tryAcquirePermission()).isTrue();
    if (succeeds) {
      breaker.onSuccess(nanos);
    } else {
      breaker.onError(nanos, new IllegalStateException("failed"));
    }
  }

  private FunctionTimer calls(String kind) {
    return meters.get("resilience4j.circuitbreaker.calls").tag("name", "processor:p")
        .tag("kind", kind).functionTimer();
  }
}
