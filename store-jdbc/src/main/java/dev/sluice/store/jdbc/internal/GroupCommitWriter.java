package dev.sluice.store.jdbc.internal;

import dev.sluice.store.jdbc.StoreException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: operations queued by any number of threads are written by a few writer threads,
 * each taking everything waiting (up to a batch size) into one transaction. While one commit is
 * running the next batch forms, so under load many operations share each commit and idle
 * operations wait for none.
 *
 * <p>The queue is unbounded on purpose: every operation belongs to an event the dispatcher has
 * already admitted into its bounded queues, so the dispatcher bounds it.
 *
 * @param <T> the operation type; {@link Op#future} completes after the commit
 */
public final class GroupCommitWriter<T extends GroupCommitWriter.Op<?>> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** One queued operation; {@link #outcome} is set by the batch and delivered after commit. */
  public abstract static class Op<R> {
    final CompletableFuture<R> future = new CompletableFuture<>();
    R outcome;

    public CompletableFuture<R> future() {
      return future;
    }

    /** Set while the batch runs; the future gets it once the transaction has committed. */
    public void outcome(R value) {
      this.outcome = value;
    }
  }

  /** Writes one batch on a connection inside a transaction; may run again if it is retried. */
  @FunctionalInterface
  public interface BatchWriter<T> {
    void write(Connection connection, List<T> batch) throws SQLException;
  }

  private final Jdbc jdbc;
  private final BatchWriter<T> writer;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Timer commits;
  private final DistributionSummary batchSizes;
  private volatile boolean closed;

  public GroupCommitWriter(String name, Jdbc jdbc, BatchWriter<T> writer, int maxBatch,
      Duration maxDelay, int writers, MeterRegistry metrics) {
    this.jdbc = jdbc;
    this.writer = writer;
    this.maxBatch = maxBatch;
    this.maxDelayNanos = maxDelay.toNanos();
    this.commits = Timer.builder("sluice.store.commit").tag("writer", name)
        .description("Group-commit transactions").register(metrics);
    this.batchSizes = DistributionSummary.builder("sluice.store.commit.batch").tag("writer", name)
        .description("Operations per group-commit transaction").register(metrics);
    for (int i = 0; i < writers; i++) {
      Thread t = new Thread(this::run, "sluice-store-" + name + "-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Queues {@code op}; its future completes after the transaction that carries it commits. */
  @SuppressWarnings("unchecked")
  public <R> CompletableFuture<R> submit(T op) {
    if (closed) {
      op.future.completeExceptionally(new IllegalStateException("the store is closed"));
    } else {
      queue.add(op);
    }
    return (CompletableFuture<R>) op.future;
  }

  private void run() {
    List<T> batch = new ArrayList<>(maxBatch);
    while (!closed || !queue.isEmpty()) {
      try {
        T first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        if (maxDelayNanos > 0) {
          long until = System.nanoTime() + maxDelayNanos;
          while (batch.size() < maxBatch) {
            T next = queue.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
              break;
            }
            batch.add(next);
          }
        }
        queue.drainTo(batch, maxBatch - batch.size());
        writeBatch(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException | Error e) {
        LOG.error("group-commit writer failed; its batch fails with it", e);
        fail(batch, e);
      } finally {
        batch.clear();
      }
    }
    for (T op; (op = queue.poll()) != null; ) {
      op.future.completeExceptionally(new IllegalStateException("the store is closed"));
    }
  }

  private void writeBatch(List<T> batch) {
    long start = System.nanoTime();
    try {
      jdbc.inTransaction("a batch of " + batch.size() + " operations", c -> {
        writer.write(c, batch);
        return null;
      });
    } catch (StoreException e) {
      fail(batch, e);
      return;
    }
    commits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    batchSizes.record(batch.size());
    for (T op : batch) {
      complete(op);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void complete(Op op) {
    op.future.complete(op.outcome);
  }

  private static void fail(List<? extends Op<?>> batch, Throwable e) {
    for (Op<?> op : batch) {
      op.future.completeExceptionally(e);
    }
  }

  /** Writes what is queued, then stops the writers. */
  @Override
  public void close() {
    closed = true;
    for (Thread t : threads) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
