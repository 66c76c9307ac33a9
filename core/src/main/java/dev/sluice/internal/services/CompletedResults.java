package dev.sluice.internal.services;

import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Completed results by event key, oldest forgotten first, kept as encoded records in one
 * growing byte array (a ring) rather than as objects.
 *
 * <p>Why: an idempotency window of 100 000 results held about eleven objects per result (map
 * entry, key, strings and their arrays, result, data). At a high event rate the whole window is
 * younger than the collector's young generation, so every young collection copied all of it,
 * object by object, and scanned the references to it: 52 ms pauses at 134 000 events/s on two
 * cores, which was the server's p99 latency. A record in the ring is no object at all, so the
 * collector neither copies nor scans it; nothing is decoded until a repeat of its event asks.
 *
 * <p>The ring holds records in insertion order, from {@code tail} (the eldest) to {@code head};
 * when a record does not fit before the end, the ring wraps to the start. When it has no room
 * for a record while it holds fewer than {@code maxEntries} records it grows (doubling, laid out
 * again from the start), up to {@code maxEntries} records of {@link #LARGE_BODY} bytes; so it
 * settles at no more than twice what {@code maxEntries} records of the usual size need. A
 * result whose record would be larger keeps its body in an array of its own and only a stub in
 * the ring.
 *
 * <p>The index is open addressing with linear probing: each slot is one {@code long} holding the
 * key's hash and its record's ring offset, so that a probe costs one memory access (the index of
 * a full window is megabytes, and each access a cache miss) and the ring is read only when the
 * hashes match. Removal shifts the following run back, so lookups never meet tombstones. Not
 * thread-safe: the store calls it under its lock.
 */
final class CompletedResults {
  /** A body (key and result) larger than this is kept in an array of its own. */
  static final int LARGE_BODY = 1024;
  private static final int INITIAL_RING = 64 * 1024;
  // record: [int length][int hash][long at][byte kind] then the body, or an int large index
  private static final int LENGTH = 0;
  private static final int HASH = 4;
  private static final int AT = 8;
  private static final int KIND = 16;
  private static final int BODY = 17;
  private static final byte INLINE = 0;
  private static final byte LARGE = 1;
  // body: [int n][source][int n][id][byte status][byte flags] then the parts present
  private static final int DEAD_LETTERED = 1;
  private static final int HAS_DATA = 2;
  private static final int HAS_CONTENT_TYPE = 4;
  private static final int HAS_CODE = 8;
  private static final int HAS_MESSAGE = 16;
  private static final int[] PART_FLAGS = {HAS_DATA, HAS_CONTENT_TYPE, HAS_CODE, HAS_MESSAGE};
  private static final Status[] STATUSES = Status.values();
  // big-endian, unaligned: one load or store each, where byte by byte was four or eight
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final int maxEntries;
  private final int maxRing;
  private byte[] ring;
  private int tail;
  private int head;
  /** Where the records before the wrap end, or -1 when the ring has not wrapped. */
  private int wrapAt = -1;
  private int size;
  /** Per slot: the key's hash (high half) and its record's ring offset + 1; 0 is empty. */
  private final long[] slots;
  private final int mask;
  /** Bodies of large records, in the ring's order. */
  private final byte[][] large;
  private int largeTail;
  private int largeCount;

  CompletedResults(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("at least one entry, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.maxRing = (int) Math.min(Integer.MAX_VALUE - 8,
        (long) maxEntries * (BODY + LARGE_BODY));
    this.ring = new byte[Math.min(INITIAL_RING, maxRing)];
    int capacity = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
    this.slots = new long[capacity];
    this.mask = capacity - 1;
    this.large = new byte[maxEntries][];
  }

  int size() {
    return size;
  }

  /** The ring's size in bytes. */
  int ringBytes() {
    return ring.length;
  }

  /** The result stored for {@code key}, or null. */
  Result get(EventKey key) {
    int at = offset(slots[find(key)]);
    return at < 0 ? null : decodeResult(bodyArray(at), bodyOffset(at));
  }

  /** When the result for {@code key} was stored, or -1 when there is none. */
  long storedAt(EventKey key) {
    int at = offset(slots[find(key)]);
    return at < 0 ? -1 : readLong(ring, at + AT);
  }

  /**
   * Stores {@code result} for {@code key} at {@code atMillis}, replacing what was stored for it;
   * when full, the eldest result is forgotten.
   */
  void put(EventKey key, Result result, long atMillis) {
    // encoded straight into the ring: the parts are measured first, then written in place
    // (getBytes, an intrinsic, is faster than a loop over the characters, despite the array)
    byte[] source = key.source().getBytes(StandardCharsets.UTF_8);
    byte[] id = key.id().getBytes(StandardCharsets.UTF_8);
    byte[] data = result.hasData() ? result.data() : null;
    byte[] contentType = bytes(result.dataContentType().orElse(null));
    byte[] code = bytes(result.errorCode().orElse(null));
    byte[] message = bytes(result.errorMessage().orElse(null));
    int bodyLength = 4 + source.length + 4 + id.length + 2 + partLength(data)
        + partLength(contentType) + partLength(code) + partLength(message);
    int flags = (result.isDeadLettered() ? DEAD_LETTERED : 0) | (data == null ? 0 : HAS_DATA)
        | (contentType == null ? 0 : HAS_CONTENT_TYPE) | (code == null ? 0 : HAS_CODE)
        | (message == null ? 0 : HAS_MESSAGE);
    boolean isLarge = bodyLength > LARGE_BODY;
    int length = BODY + (isLarge ? 4 : bodyLength);
    int at = reserve(length);
    int hash = spread(key.hashCode());
    writeInt(ring, at + LENGTH, length);
    writeInt(ring, at + HASH, hash);
    writeLong(ring, at + AT, atMillis);
    byte[] body;
    int to;
    if (isLarge) {
      body = new byte[bodyLength];
      to = 0;
      int index = (largeTail + largeCount) % large.length;
      large[index] = body;
      largeCount++;
      ring[at + KIND] = LARGE;
      writeInt(ring, at + BODY, index);
    } else {
      body = ring;
      to = at + BODY;
      ring[at + KIND] = INLINE;
    }
    to = put(body, to, source);
    to = put(body, to, id);
    body[to++] = (byte) result.status().ordinal();
    body[to++] = (byte) flags;
    to = putPart(body, to, data);
    to = putPart(body, to, contentType);
    to = putPart(body, to, code);
    putPart(body, to, message);
    size++;
    // a replaced record stays in the ring, unindexed, until its turn to be forgotten
    slots[find(key)] = slot(hash, at);
  }

  /** When the eldest result was stored, or -1 when there is none. */
  long eldestMillis() {
    return size == 0 ? -1 : readLong(ring, tail + AT);
  }

  /** Forgets the eldest result. */
  void removeEldest() {
    if (size == 0) {
      throw new IllegalStateException("no result to forget");
    }
    int at = tail;
    unindex(at);
    if (ring[at + KIND] == LARGE) {
      large[largeTail] = null;
      largeTail = (largeTail + 1) % large.length;
      largeCount--;
    }
    tail += readInt(ring, at + LENGTH);
    size--;
    if (size == 0) {
      tail = 0;
      head = 0;
      wrapAt = -1;
    } else if (tail == wrapAt) {
      tail = 0;
      wrapAt = -1;
    }
  }

  /**
   * Room for a record of {@code length} bytes at the head. When it is full by count the eldest
   * is forgotten; when it is full by bytes while holding fewer than {@code maxEntries} records
   * it grows, once it has reached its largest size the eldest is forgotten.
   */
  private int reserve(int length) {
    while (true) {
      if (size == maxEntries) {
        removeEldest();
        continue;
      }
      if (wrapAt < 0) {
        if (ring.length - head >= length) {
          return advance(length);
        }
        if (tail >= length) {
          wrapAt = head;
          head = 0;
          return advance(length);
        }
      } else if (tail - head >= length) {
        return advance(length);
      }
      if (ring.length < maxRing) {
        grow(length);
      } else {
        removeEldest();
      }
    }
  }

  private int advance(int length) {
    int at = head;
    head += length;
    return at;
  }

  /** A larger ring, its records laid out again from the start, and the index rebuilt. */
  private void grow(int needed) {
    int first = (wrapAt < 0 ? head : wrapAt) - tail; // the records from tail to the end or wrap
    int second = wrapAt < 0 ? 0 : head; // the records after the wrap
    int length = first + second;
    long want = Math.max((long) ring.length * 2, (long) length + needed);
    byte[] bigger = new byte[(int) Math.min(maxRing, want)];
    System.arraycopy(ring, tail, bigger, 0, first);
    System.arraycopy(ring, 0, bigger, first, second);
    ring = bigger;
    tail = 0;
    head = length;
    wrapAt = -1;
    Arrays.fill(slots, 0);
    for (int at = 0; at < head; at += readInt(ring, at + LENGTH)) {
      // a replaced record comes first, and the newer one for its key then takes its slot
      int hash = readInt(ring, at + HASH);
      slots[findFree(hash, bodyArray(at), bodyOffset(at))] = slot(hash, at);
    }
  }

  /** The slot of the key in the body at {@code off}, or the free slot where it would go. */
  private int findFree(int hash, byte[] body, int off) {
    int sourceLength = readInt(body, off);
    String source = new String(body, off + 4, sourceLength, StandardCharsets.UTF_8);
    String id = string(body, off + 4 + sourceLength);
    return find(hash, source, id);
  }

  /** The slot holding {@code key}, or the free slot where it would go. */
  private int find(EventKey key) {
    return find(spread(key.hashCode()), key.source(), key.id());
  }

  private int find(int hash, String source, String id) {
    int slot = hash & mask;
    long entry;
    while ((entry = slots[slot]) != 0) {
      int at = offset(entry);
      if (hashOf(entry) == hash && sameKey(bodyArray(at), bodyOffset(at), source, id)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Removes the index entry of the record at {@code at}, if it still has one. */
  private void unindex(int at) {
    long wanted = slot(readInt(ring, at + HASH), at);
    int slot = hashOf(wanted) & mask;
    long entry;
    while ((entry = slots[slot]) != 0) {
      if (entry == wanted) {
        removeAt(slot);
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Empties {@code slot} and moves back the entries after it that probed past it. */
  private void removeAt(int slot) {
    int free = slot;
    slots[free] = 0;
    int next = free;
    while (true) {
      next = (next + 1) & mask;
      long entry = slots[next];
      if (entry == 0) {
        return;
      }
      int home = hashOf(entry) & mask;
      // the entry may move to the free slot unless its home lies cyclically in (free, next]
      boolean stays = free <= next ? free < home && home <= next : free < home || home <= next;
      if (!stays) {
        slots[free] = entry;
        slots[next] = 0;
        free = next;
      }
    }
  }

  private byte[] bodyArray(int at) {
    return ring[at + KIND] == LARGE ? large[readInt(ring, at + BODY)] : ring;
  }

  private int bodyOffset(int at) {
    return ring[at + KIND] == LARGE ? 0 : at + BODY;
  }

  private static long slot(int hash, int at) {
    return (long) hash << 32 | (at + 1);
  }

  private static int hashOf(long slot) {
    return (int) (slot >>> 32);
  }

  /** The ring offset in {@code slot}, or -1 when it is empty. */
  private static int offset(long slot) {
    return (int) slot - 1;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  // --------------------------------------------------------------------------- the body

  /** What an optional part takes in a body: nothing when absent, else its length and bytes. */
  private static int partLength(byte[] part) {
    return part == null ? 0 : 4 + part.length;
  }

  private static int putPart(byte[] to, int at, byte[] part) {
    return part == null ? at : put(to, at, part);
  }

  private static boolean sameKey(byte[] body, int off, String source, String id) {
    int sourceLength = readInt(body, off);
    return string(body, off + 4 + sourceLength).equals(id)
        && new String(body, off + 4, sourceLength, StandardCharsets.UTF_8).equals(source);
  }

  private static Result decodeResult(byte[] body, int off) {
    int at = off + 4 + readInt(body, off);
    String id = string(body, at);
    at += 4 + readInt(body, at);
    Status status = STATUSES[body[at++]];
    int flags = body[at++];
    byte[][] parts = new byte[PART_FLAGS.length][];
    for (int i = 0; i < parts.length; i++) {
      if ((flags & PART_FLAGS[i]) != 0) {
        int length = readInt(body, at);
        parts[i] = Arrays.copyOfRange(body, at + 4, at + 4 + length);
        at += 4 + length;
      }
    }
    Result result = Result.of(id, status, parts[0], text(parts[1]), text(parts[2]),
        text(parts[3]));
    return (flags & DEAD_LETTERED) != 0 ? result.asDeadLettered() : result;
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private static int put(byte[] to, int at, byte[] part) {
    writeInt(to, at, part.length);
    System.arraycopy(part, 0, to, at + 4, part.length);
    return at + 4 + part.length;
  }

  private static String string(byte[] b, int at) {
    return new String(b, at + 4, readInt(b, at), StandardCharsets.UTF_8);
  }

  private static int readInt(byte[] b, int at) {
    return (int) INT.get(b, at);
  }

  private static long readLong(byte[] b, int at) {
    return (long) LONG.get(b, at);
  }

  private static void writeInt(byte[] b, int at, int v) {
    INT.set(b, at, v);
  }

  private static void writeLong(byte[] b, int at, long v) {
    LONG.set(b, at, v);
  }
}
