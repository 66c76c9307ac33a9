package dev.sluice.internal.services;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The slots of a {@link CompletedResults}' index, in an object of their own, so that other
 * threads can ask {@link #mayHold} without a lock and without reading what the owner writes at
 * every put.
 *
 * <p>Why: the owner (one transport thread, mostly) writes its ring and counters at every event.
 * A thread that read or locked them would pull those cache lines to its core and back, at about
 * 100 to 200 ns a transfer. This object is padded on both sides and its fields are written only
 * when the index is rebuilt, so an asking thread reads lines that stay in its cache, and then
 * the one line of slots that its key hashes to (the owner writes one such line, at random, per
 * put).
 *
 * <p>(A Bloom filter of a byte per entry, asked instead, cost more: small enough to stay in the
 * owner's cache, its lines were mostly modified there, and each question moved one.)
 *
 * <p>The answer is safe for a key whose result was stored before the asking thread could learn of
 * it in another way (the store's in-progress map orders the two): slots only ever go from empty
 * to used and from one record to another, a key's slot stays on its probe path, and a rebuild,
 * which swaps the arrays, runs within an odd {@code version}, as in a sequence lock. A probe
 * that overlaps a rebuild answers "maybe", and the caller looks under the lock.
 */
final class ResultIndex extends ResultIndexFields {
  // a cache line of padding after the fields
  long q0;
  long q1;
  long q2;
  long q3;
  long q4;
  long q5;
  long q6;
  long q7;

  ResultIndex(int capacity) {
    super(capacity);
  }
}

/** A cache line of padding before the fields, and an int for the gap after the header. */
abstract class ResultIndexPadding {
  int gap;
  long p0;
  long p1;
  long p2;
  long p3;
  long p4;
  long p5;
  long p6;
  long p7;
}

abstract class ResultIndexFields extends ResultIndexPadding {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle VERSION;

  static {
    try {
      VERSION = MethodHandles.lookup()
          .findVarHandle(ResultIndexFields.class, "version", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Even between rebuilds, odd during one. */
  private volatile int version;
  /** Per slot: the key's hash (high half, never 0) and the record's sequence number; 0 is empty. */
  long[] slots;
  /** The slots of the next rebuild, kept so that a rebuild allocates nothing. */
  private long[] spare;
  final int mask;

  ResultIndexFields(int capacity) {
    this.slots = new long[capacity];
    this.spare = new long[capacity];
    this.mask = capacity - 1;
  }

  /** Sets a slot so that a thread probing without the lock never sees half of it. */
  final void set(int slot, long value) {
    SLOT.setOpaque(slots, slot, value);
  }

  /**
   * Starts a rebuild: swaps in the spare slots, emptied, and returns them for the owner to fill
   * with plain writes before {@link #endRebuild}. Probes that overlap answer "maybe": the
   * volatile read-modify-write orders the rebuild's writes after it, as in
   * {@link java.util.concurrent.locks.StampedLock}'s write lock.
   */
  final long[] beginRebuild() {
    VERSION.getAndAdd(this, 1);
    long[] fresh = spare;
    Arrays.fill(fresh, 0);
    spare = slots;
    slots = fresh;
    return fresh;
  }

  final void endRebuild() {
    VERSION.getAndAdd(this, 1);
  }

  /**
   * False when no record with this hash is in the index; true when one may be (a used slot has
   * the hash, or a rebuild overlapped the probe), for the caller to look under the owner's lock.
   * Any thread may call it.
   */
  final boolean mayHold(int hash) {
    int seen = version;
    if ((seen & 1) != 0) {
      return true;
    }
    long[] probed = slots;
    int slot = hash & mask;
    boolean found = true; // a probe that meets no empty slot in a whole turn proves nothing
    for (int n = 0; n <= mask; n++) {
      long entry = (long) SLOT.getOpaque(probed, slot);
      if (entry == 0) {
        found = false;
        break;
      }
      if ((int) (entry >>> 32) == hash) {
        break;
      }
      slot = (slot + 1) & mask;
    }
    VarHandle.acquireFence(); // the slots are read before the version is read again
    return found || version != seen;
  }
}
