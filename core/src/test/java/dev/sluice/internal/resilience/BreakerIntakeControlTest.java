package dev.sluice.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.BreakerPolicy;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.TypePausableSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class BreakerIntakeControlTest {
  private final Breakers breakers = new Breakers(new SimpleMeterRegistry());
  private final Breaker watched = breakers.create("processor:orders",
      new BreakerPolicy(true, 50.0, 1, 1, Duration.ofMinutes(1), 1));
  private final CircuitBreaker orders = watched.circuitBreaker();
  private final RecordingSource source = new RecordingSource();
  private final BreakerIntakeControl control = new BreakerIntakeControl();

  /** Records the calls of the engine. */
  private static final class RecordingSource implements TypePausableSource {
    final List<String> calls = new ArrayList<>();

    @Override
    public void pauseTypes(String key, Set<String> typePatterns, String reason) {
      calls.add("pause " + key + " " + typePatterns + ": " + reason);
    }

    @Override
    public void resumeTypes(String key) {
      calls.add("resume " + key);
    }

    @Override
    public void start(EventSink sink) {
    }

    @Override
    public CompletionStage<Void> stop(Duration drainDeadline) {
      return CompletableFuture.completedFuture(null);
    }
  }

  @Test
  void pausesTheProcessorsTypesWhileItsBreakerIsOpenAndResumesWhenItHalfOpens() {
    control.watch("orders", List.of("orders.*"), watched);
    control.attach(source);

    // changes made outside a call are seen at the next look (the engine looks periodically)
    orders.transitionToOpenState();
    watched.checkState();
    assertThat(control.isPaused("orders")).isTrue();
    orders.transitionToHalfOpenState();
    watched.checkState();
    orders.transitionToOpenState();
    watched.checkState();
    orders.transitionToHalfOpenState();
    orders.transitionToClosedState();
    watched.checkState();

    assertThat(source.calls).containsExactly(
        "pause processor:orders [orders.*]: processor 'orders' circuit breaker is open (0.0% of"
            + " the last 0 calls failed)",
        "resume processor:orders",
        "pause processor:orders [orders.*]: processor 'orders' circuit breaker is open (0.0% of"
            + " the last 0 calls failed)",
        "resume processor:orders");
    assertThat(control.isPaused("orders")).isFalse();
  }

  @Test
  void aCallThatOpensTheBreakerPausesIntakeBeforeItReturns() {
    control.watch("orders", List.of("orders.*"), watched);
    control.attach(source);

    assertThat(watched.tryAcquirePermission()).isTrue();
    watched.onError(1_000, new IllegalStateException("down"));

    assertThat(control.isPaused("orders")).isTrue();
    assertThat(source.calls).singleElement().asString()
        .startsWith("pause processor:orders [orders.*]: processor 'orders' circuit breaker is"
            + " open (100.0% of the last 1 calls failed)");
  }

  @Test
  void breakersThatHalfOpenOnTimeAreSeenByThePeriodicLook() throws Exception {
    Breaker quick = breakers.create("processor:quick",
        new BreakerPolicy(true, 50.0, 1, 1, Duration.ofMillis(50), 1));
    control.watch("quick", List.of("quick.*"), quick);
    control.attach(source);
    java.util.concurrent.ScheduledExecutorService scheduler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      breakers.watchStates(scheduler, Duration.ofMillis(10));
      assertThat(quick.tryAcquirePermission()).isTrue();
      quick.onError(1_000, new IllegalStateException("down"));
      assertThat(control.isPaused("quick")).isTrue();

      // no call is made while intake is paused: only the periodic look can resume it
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> !control.isPaused("quick"));
      assertThat(quick.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
      assertThat(source.calls).containsExactly(source.calls.get(0), "resume processor:quick");
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void aSourceAttachedWhileTheBreakerIsOpenIsPausedAtOnce() {
    control.watch("orders", List.of("orders.created", "orders.paid"), watched);
    orders.transitionToOpenState();

    control.attach(source);

    assertThat(source.calls).singleElement().asString()
        .startsWith("pause processor:orders [orders.created, orders.paid]");
  }

  @Test
  void aDetachedSourceIsLeftAlone() {
    control.watch("orders", List.of("orders.*"), watched);
    control.attach(source);
    control.detach();

    orders.transitionToOpenState();

    assertThat(source.calls).isEmpty();
  }

  @Test
  void matchesTypesAsRoutingDoes() {
    assertThat(TypePausableSource.matches("orders.*", "orders.created")).isTrue();
    assertThat(TypePausableSource.matches("orders.*", "invoices.created")).isFalse();
    assertThat(TypePausableSource.matches("orders.created", "orders.created")).isTrue();
    assertThat(TypePausableSource.matches("orders.created", "orders.created.v2")).isFalse();
    assertThat(TypePausableSource.matches("*", "anything")).isTrue();
  }
}
