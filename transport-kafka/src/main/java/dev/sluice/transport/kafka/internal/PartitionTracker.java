package dev.sluice.transport.kafka.internal;

import java.util.Iterator;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets of one assigned partition that were received and not yet completed, so that the
 * committed position never passes an event still in progress: it is the lowest offset not yet
 * completed, or the one after the last received when all are. Completions may arrive in any
 * order, from any thread; {@link #received}, {@link #hold} and {@link #position} are called on
 * the poll thread only. A new tracker is made for every assignment, so callbacks of work from an
 * earlier assignment never touch a later one.
 */
final class PartitionTracker {
  private final TopicPartition partition;
  private final ConcurrentSkipListSet<Long> pending = new ConcurrentSkipListSet<>();
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean revoked;
  private long next = -1;
  private long heldAt = -1;
  private long committed = -1;

  PartitionTracker(TopicPartition partition) {
    this.partition = partition;
  }

  TopicPartition partition() {
    return partition;
  }

  /** A record was taken from the partition and is now in progress (poll thread). */
  void received(long offset) {
    pending.add(offset);
    next = offset + 1;
    active.incrementAndGet();
  }

  /**
   * Keeps the position at or below {@code offset} for good: the record there is left for the
   * next owner of the partition (poll thread).
   */
  void hold(long offset) {
    if (heldAt < 0) {
      heldAt = offset;
    }
  }

  boolean isHeld() {
    return heldAt >= 0;
  }

  /**
   * The record at {@code offset} is finished (answered, dead-lettered): the position may pass it.
   */
  void completed(long offset) {
    pending.remove(offset);
    stopped();
  }

  /** The record is no longer in progress here but not finished: it stays for the next owner. */
  void abandoned() {
    stopped();
  }

  private void stopped() {
    if (active.decrementAndGet() == 0 && revoked) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  int active() {
    return active.get();
  }

  /** The offset to commit, or -1 when nothing was received (poll thread). */
  long position() {
    Iterator<Long> it = pending.iterator();
    long p = it.hasNext() ? it.next() : next;
    return heldAt >= 0 && (p < 0 || heldAt < p) ? heldAt : p;
  }

  /** Whether {@link #position()} moved past the last commit (poll thread). */
  boolean hasNewPosition() {
    long p = position();
    return p >= 0 && p != committed;
  }

  void committedAt(long position) {
    committed = position;
  }

  void revoke() {
    revoked = true;
  }

  boolean isRevoked() {
    return revoked;
  }

  /** Waits until no record of this partition is in progress, at most {@code nanos}. */
  boolean awaitIdle(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    synchronized (this) {
      while (active.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return partition + "{position=" + position() + ", pending=" + pending.size() + ", active="
        + active.get() + "}";
  }
}
