package dev.sluice.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.BreakerPolicy;
import dev.sluice.config.DependencyPolicy;
import dev.sluice.resilience.DependencyGuard;
import dev.sluice.resilience.DependencyUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BreakerGuardTest {
  private final DependencyGuard publisher = DependencyGuard.of("rabbitmq-publisher",
      new DependencyPolicy(Duration.ofSeconds(5),
          new BreakerPolicy(true, 50.0, 2, 2, Duration.ofMinutes(1), 1)));
  private final AtomicInteger calls = new AtomicInteger();

  private String failingPublish() throws IOException {
    calls.incrementAndGet();
    throw new IOException("connection reset");
  }

  @Test
  void blockingCallsPassThroughUntilTheBreakerOpensThenFailAtOnce() throws Exception {
    assertThat(publisher.execute(() -> "sent")).isEqualTo("sent");
    // one failure of two calls: the 50% threshold is reached
    assertThatThrownBy(() -> publisher.execute(this::failingPublish))
        .isInstanceOf(IOException.class);

    assertThat(publisher.isAvailable()).isFalse();
    assertThatThrownBy(() -> publisher.execute(this::failingPublish))
        .isInstanceOfSatisfying(DependencyUnavailableException.class,
            e -> assertThat(e.dependency()).isEqualTo("rabbitmq-publisher"))
        .hasMessageStartingWith("rabbitmq-publisher is unavailable: its circuit breaker is open");
    assertThat(calls).hasValue(1);
  }

  @Test
  void asynchronousFailuresCountAndTheCallersStageIsNotTouched() throws Exception {
    CompletableFuture<String> mine = new CompletableFuture<>();
    CompletableFuture<String> guarded = publisher.call(() -> mine).toCompletableFuture();
    mine.complete("confirmed");

    assertThat(guarded.get(5, TimeUnit.SECONDS)).isEqualTo("confirmed");
    for (int i = 0; i < 2; i++) {
      publisher.call(() -> CompletableFuture.failedFuture(new IOException("nack")));
    }
    assertThat(publisher.call(() -> CompletableFuture.completedFuture("x")))
        .isCompletedExceptionally();
  }
}
