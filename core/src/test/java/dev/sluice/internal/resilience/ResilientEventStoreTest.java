package dev.sluice.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.BreakerPolicy;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.services.InMemoryEventStore;
import dev.sluice.resilience.DependencyUnavailableException;
import dev.sluice.spi.Admission;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ResilientEventStoreTest {
  private static final BreakerPolicy POLICY =
      new BreakerPolicy(true, 50.0, 2, 2, Duration.ofMinutes(1), 1);
  private static final Event EVENT =
      Event.builder().id("e-1").source("/test").type("test.store").build();

  private final ControllableStore memory = new ControllableStore(Clock.systemUTC());
  private final BreakerGuard guard = new BreakerGuard("store",
      new Breakers(new SimpleMeterRegistry()).create("store", POLICY), Duration.ofMillis(50));
  private final ResilientEventStore store = new ResilientEventStore(memory, guard);

  @Test
  void passesCallsThroughWhileTheStoreAnswers() throws Exception {
    assertThat(store.admit(EVENT).toCompletableFuture().get(5, TimeUnit.SECONDS).kind())
        .isEqualTo(Admission.Kind.NEW);
    assertThat(guard.isAvailable()).isTrue();
  }

  @Test
  void aCallTheStoreNeverAnswersFailsAfterTheCallTimeout() {
    memory.hanging = true;

    assertThatThrownBy(() -> store.admit(EVENT).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(TimeoutException.class)
        .hasMessage("store did not answer within 50ms");
  }

  @Test
  void aStoreThatAnswersFromMemoryIsCalledWithoutTheBreakerForAdmissionsAndResults()
      throws Exception {
    Breaker watched = new Breakers(new SimpleMeterRegistry()).create("store", POLICY);
    CircuitBreaker breaker = watched.circuitBreaker();
    ResilientEventStore inMemory = new ResilientEventStore(
        new InMemoryEventStore(Clock.systemUTC(), 60_000, 100),
        new BreakerGuard("store", watched, Duration.ofMillis(50)));
    breaker.transitionToForcedOpenState(); // what a database outage would do

    assertThat(inMemory.answersFromMemory()).isTrue();
    assertThat(inMemory.admit(EVENT).toCompletableFuture().get(5, TimeUnit.SECONDS).kind())
        .isEqualTo(Admission.Kind.NEW);
    inMemory.complete(EVENT.key(), Result.ok(EVENT.id())).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertThat(inMemory.admit(EVENT).toCompletableFuture().get(5, TimeUnit.SECONDS).kind())
        .isEqualTo(Admission.Kind.COMPLETED);
    assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
    assertThat(store.answersFromMemory()).isFalse();
  }

  @Test
  void opensAfterFailuresAndThenRefusesAtOnceNamingTheStore() {
    memory.hanging = true;
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> store.admit(EVENT).toCompletableFuture().get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }

    CompletableFuture<Admission> refused = store.admit(EVENT).toCompletableFuture();

    assertThat(refused).isCompletedExceptionally();
    assertThat(guard.isAvailable()).isFalse();
    assertThatThrownBy(refused::join).cause()
        .isInstanceOf(DependencyUnavailableException.class)
        .hasMessageContaining("store is unavailable: its circuit breaker is open")
        .hasMessageContaining("100.0% of the last 2 calls failed");
  }
}
