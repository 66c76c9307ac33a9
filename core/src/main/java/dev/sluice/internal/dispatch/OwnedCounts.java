package dev.sluice.internal.dispatch;

import dev.sluice.event.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The results one thread answered for a lane, by status, and their processing time: written by
 * that thread alone, with opaque stores and no atomic read-modify-write, and read by any (the
 * lane's meters add them up when they are read). A counter that every thread updates, such as a
 * {@link java.util.concurrent.atomic.LongAdder}, costs a compare-and-set per event; this costs
 * a plain store.
 */
final class OwnedCounts {
  private static final VarHandle TIMED_COUNT;
  private static final VarHandle TIMED_NANOS;
  private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      TIMED_COUNT = lookup.findVarHandle(OwnedCounts.class, "timedCount", long.class);
      TIMED_NANOS = lookup.findVarHandle(OwnedCounts.class, "timedNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long[] answered = new long[Status.values().length];
  private long timedCount;
  private long timedNanos;

  /** The owning thread only: one more result of {@code status}. */
  void countAnswered(Status status) {
    int i = status.ordinal();
    COUNT.setOpaque(answered, i, answered[i] + 1);
  }

  /** The owning thread only: {@code count} events answered in {@code nanos} of processing. */
  void countTime(int count, long nanos) {
    TIMED_COUNT.setOpaque(this, timedCount + count);
    TIMED_NANOS.setOpaque(this, timedNanos + nanos);
  }

  long answered(Status status) {
    return (long) COUNT.getOpaque(answered, status.ordinal());
  }

  long timedCount() {
    return (long) TIMED_COUNT.getOpaque(this);
  }

  long timedNanos() {
    return (long) TIMED_NANOS.getOpaque(this);
  }
}
