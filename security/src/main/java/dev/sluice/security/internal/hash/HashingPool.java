package dev.sluice.security.internal.hash;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A few threads and a short queue for password hashing, so that a flood of logins costs at most
 * {@code threads} cores and {@code queue} waiting hashes; beyond that a login fails at once with
 * {@link HashingBusyException} instead of piling up. Event processing runs elsewhere and is never
 * starved.
 */
public final class HashingPool implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final int threads;
  private final int queue;

  public HashingPool(int threads, int queue) {
    if (threads < 1 || queue < 1) {
      throw new IllegalArgumentException("the hashing pool needs at least 1 thread and a queue"
          + " of at least 1; got threads=" + threads + ", queue=" + queue);
    }
    this.threads = threads;
    this.queue = queue;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "sluice-password-hashing-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setPriority(Thread.NORM_PRIORITY - 1);
      return t;
    };
    this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue), factory, new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code work} on the pool. The stage fails with {@link HashingBusyException} at once
   * when every thread is busy and the queue is full.
   */
  public <T> CompletableFuture<T> submit(Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new HashingBusyException(
          "password hashing is saturated (threads=" + threads + ", queue=" + queue
              + ", active=" + executor.getActiveCount() + ", waiting="
              + executor.getQueue().size() + ")", e));
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** The pool refused work because it is full; the caller may retry later. */
  public static final class HashingBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HashingBusyException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
