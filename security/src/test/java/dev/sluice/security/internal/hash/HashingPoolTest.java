package dev.sluice.security.internal.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HashingPoolTest {

  @Test
  void failsAtOnceWhenEveryThreadIsBusyAndTheQueueIsFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    try (HashingPool pool = new HashingPool(1, 1)) {
      CompletableFuture<String> busy = pool.submit(() -> {
        running.countDown();
        await(release);
        return "first";
      });
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<String> queued = pool.submit(() -> "second");

      CompletableFuture<String> refused = pool.submit(() -> "third");

      assertThat(refused).isCompletedExceptionally();
      assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(HashingPool.HashingBusyException.class)
          .hasMessage("password hashing is saturated (threads=1, queue=1, active=1,"
              + " waiting=1)");
      release.countDown();
      assertThat(busy.get(30, TimeUnit.SECONDS)).isEqualTo("first");
      assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo("second");
      // room again once the work is done
      assertThat(pool.submit(() -> "fourth").get(30, TimeUnit.SECONDS)).isEqualTo("fourth");
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
