package dev.sluice.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.internal.services.InMemoryLockService;
import dev.sluice.internal.services.InMemoryStateStore;
import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.spi.LockTimeoutException;
import java.nio.ByteBuffer;
import dev.sluice.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InMemoryLockServiceTest {

  /** A clock the test moves by hand. */
  @Test
  void fencingTokensGrowWithEveryGrant() throws Exception {
    InMemoryLockService locks = new InMemoryLockService(Clock.systemUTC(), "s1");
    Lease first = locks.acquire("a", Duration.ofSeconds(10), Duration.ZERO).orElseThrow();
    locks.release(first);
    Lease second = locks.acquire("a", Duration.ofSeconds(10), Duration.ZERO).orElseThrow();

    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    assertThat(first.isLost()).isTrue();
  }

  @Test
  void heldLockIsNotGrantedUntilReleasedOrExpired() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    InMemoryLockService locks = new InMemoryLockService(clock, "s1");
    Lease holder = locks.acquire("a", Duration.ofSeconds(10), Duration.ZERO).orElseThrow();

    assertThat(locks.acquire("a", Duration.ofSeconds(10), Duration.ZERO)).isEmpty();

    clock.advance(Duration.ofSeconds(11));
    Lease successor = locks.acquire("a", Duration.ofSeconds(10), Duration.ZERO).orElseThrow();
    assertThat(successor.fencingToken()).isGreaterThan(holder.fencingToken());
    assertThat(locks.renew(holder, Duration.ofSeconds(10))).isFalse();
    assertThat(holder.isLost()).isTrue();
  }

  @Test
  void holderPausedPastItsLeaseHasItsFencedWriteRejected() throws Exception {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    InMemoryLockService locks = new InMemoryLockService(clock, "s1");
    InMemoryStateStore state = new InMemoryStateStore(locks);
    Lease paused = locks.acquire("counter:a", Duration.ofSeconds(5), Duration.ZERO).orElseThrow();

    clock.advance(Duration.ofSeconds(6)); // the holder stalls past its lease
    Lease successor =
        locks.acquire("counter:a", Duration.ofSeconds(5), Duration.ZERO).orElseThrow();
    state.put("counter:a", new byte[] {2}, successor);

    assertThatThrownBy(() -> state.put("counter:a", new byte[] {1}, paused))
        .isInstanceOf(FencedWriteException.class)
        .hasMessageContaining("token " + paused.fencingToken())
        .hasMessageContaining("token " + successor.fencingToken() + " is newer");
    assertThat(state.get("counter:a").orElseThrow()).containsExactly(2);
  }

  @Test
  void withLockGivesMutualExclusionAcrossThreads() throws Exception {
    InMemoryLockService locks = new InMemoryLockService(Clock.systemUTC(), "s1");
    InMemoryStateStore state = new InMemoryStateStore(locks);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        done.add(pool.submit(() -> locks.withLock("counter", Duration.ofSeconds(5),
            Duration.ofSeconds(10), lease -> {
              long v = state.get("counter").map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
              state.put("counter", ByteBuffer.allocate(8).putLong(v + 1).array(), lease);
              return null;
            })));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(ByteBuffer.wrap(state.get("counter").orElseThrow()).getLong()).isEqualTo(2000);
  }

  @Test
  void withLockTimesOutWithARetryableError() throws Exception {
    InMemoryLockService locks = new InMemoryLockService(Clock.systemUTC(), "s1");
    locks.acquire("busy", Duration.ofMinutes(1), Duration.ZERO).orElseThrow();

    assertThatThrownBy(() -> locks.withLock("busy", Duration.ofSeconds(1), Duration.ofMillis(50),
        lease -> null))
        .isInstanceOf(LockTimeoutException.class)
        .hasMessageContaining("'busy'")
        .hasMessageContaining("50ms");
  }
}
