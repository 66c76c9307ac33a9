package dev.sluice.internal.services;

import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import java.nio.charset.StandardCharsets;

/**
 * Completed results by event key, oldest forgotten first, each kept as one byte array that holds
 * the key, the time it was stored and the whole result.
 *
 * <p>Why not a map of objects: an idempotency window of 100 000 results held about eleven
 * objects per result (map entry, key, strings and their arrays, result, data). At a high event
 * rate the whole window is younger than the collector's young generation, so every young
 * collection copied all of it, object by object: about 50 ms of pause per collection on two
 * cores, which was the server's p99 latency. One array without references per result is copied
 * as one block, and nothing is decoded until a repeat of the event asks for its result.
 *
 * <p>The index is open addressing with linear probing over the arrays themselves (their first
 * four bytes are the key's hash), and removal shifts the following run back, so lookups never
 * meet tombstones. Insertion order is a ring of the same arrays. Not thread-safe: the store
 * calls it under its lock.
 */
final class CompletedResults {
  private static final int HASH = 0;
  private static final int AT = 4;
  private static final int KEY = 12;
  private static final int DEAD_LETTERED = 1;
  private static final int HAS_DATA = 2;
  private static final int HAS_CONTENT_TYPE = 4;
  private static final int HAS_CODE = 8;
  private static final int HAS_MESSAGE = 16;
  private static final Status[] STATUSES = Status.values();

  private final byte[][] slots;
  private final int mask;
  /** Records in insertion order: {@code order[head]} is the eldest. */
  private final byte[][] order;
  private int head;
  private int size;

  CompletedResults(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("at least one entry, got " + maxEntries);
    }
    int capacity = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
    this.slots = new byte[capacity][];
    this.mask = capacity - 1;
    this.order = new byte[maxEntries][];
  }

  int size() {
    return size;
  }

  /** The result stored for {@code key}, or null. */
  Result get(EventKey key) {
    byte[] record = slots[find(key)];
    return record == null ? null : decodeResult(record);
  }

  /**
   * Stores {@code result} for {@code key} at {@code atMillis}, replacing what was stored for it;
   * when full, the eldest result is forgotten.
   */
  void put(EventKey key, Result result, long atMillis) {
    byte[] record = encode(key, result, atMillis);
    int slot = find(key);
    boolean replacing = slots[slot] != null;
    if (size == order.length) {
      removeEldest();
      slot = find(key); // the shift may have moved the key's slot
    }
    // a replaced array stays in the ring, where removeEldest finds it no longer indexed
    slots[slot] = record;
    order[(head + size) % order.length] = record;
    size++;
    assert replacing || slots[find(key)] == record;
  }

  /** When the eldest result was stored, or -1 when there is none. */
  long eldestMillis() {
    return size == 0 ? -1 : readLong(order[head], AT);
  }

  /** Forgets the eldest result. */
  void removeEldest() {
    byte[] eldest = order[head];
    order[head] = null;
    head = (head + 1) % order.length;
    size--;
    int slot = readInt(eldest, HASH) & mask;
    while (slots[slot] != null) {
      if (slots[slot] == eldest) {
        removeAt(slot);
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The slot holding {@code key}, or the free slot where it would go. */
  private int find(EventKey key) {
    int hash = spread(key.hashCode());
    int slot = hash & mask;
    byte[] record;
    while ((record = slots[slot]) != null) {
      if (readInt(record, HASH) == hash && sameKey(record, key)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Empties {@code slot} and moves back the records after it that probed past it. */
  private void removeAt(int slot) {
    int free = slot;
    slots[free] = null;
    int next = free;
    while (true) {
      next = (next + 1) & mask;
      byte[] record = slots[next];
      if (record == null) {
        return;
      }
      int home = readInt(record, HASH) & mask;
      // the record may move to the free slot unless its home lies cyclically in (free, next]
      boolean stays = free <= next ? free < home && home <= next : free < home || home <= next;
      if (!stays) {
        slots[free] = record;
        slots[next] = null;
        free = next;
      }
    }
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }

  // --------------------------------------------------------------------------- the record

  private static byte[] encode(EventKey key, Result result, long atMillis) {
    byte[] source = key.source().getBytes(StandardCharsets.UTF_8);
    byte[] id = key.id().getBytes(StandardCharsets.UTF_8);
    byte[] data = result.hasData() ? result.data() : null;
    byte[] contentType = bytes(result.dataContentType().orElse(null));
    byte[] code = bytes(result.errorCode().orElse(null));
    byte[] message = bytes(result.errorMessage().orElse(null));
    int length = KEY + 4 + source.length + 4 + id.length + 2 + sized(data) + sized(contentType)
        + sized(code) + sized(message);
    byte[] record = new byte[length];
    writeInt(record, HASH, spread(key.hashCode()));
    writeLong(record, AT, atMillis);
    int at = put(record, KEY, source);
    at = put(record, at, id);
    record[at++] = (byte) result.status().ordinal();
    record[at++] = (byte) ((result.isDeadLettered() ? DEAD_LETTERED : 0)
        | (data != null ? HAS_DATA : 0) | (contentType != null ? HAS_CONTENT_TYPE : 0)
        | (code != null ? HAS_CODE : 0) | (message != null ? HAS_MESSAGE : 0));
    for (byte[] part : new byte[][] {data, contentType, code, message}) {
      if (part != null) {
        at = put(record, at, part);
      }
    }
    return record;
  }

  private static boolean sameKey(byte[] record, EventKey key) {
    int sourceLength = readInt(record, KEY);
    int idAt = KEY + 4 + sourceLength;
    return string(record, idAt).equals(key.id())
        && new String(record, KEY + 4, sourceLength, StandardCharsets.UTF_8)
            .equals(key.source());
  }

  private static Result decodeResult(byte[] record) {
    int at = KEY + 4 + readInt(record, KEY);
    String id = string(record, at);
    at += 4 + readInt(record, at);
    Status status = STATUSES[record[at++]];
    int flags = record[at++];
    byte[][] parts = new byte[4][];
    int[] bits = {HAS_DATA, HAS_CONTENT_TYPE, HAS_CODE, HAS_MESSAGE};
    for (int i = 0; i < parts.length; i++) {
      if ((flags & bits[i]) != 0) {
        int length = readInt(record, at);
        parts[i] = java.util.Arrays.copyOfRange(record, at + 4, at + 4 + length);
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

  private static int sized(byte[] part) {
    return part == null ? 0 : 4 + part.length;
  }

  private static int put(byte[] record, int at, byte[] part) {
    writeInt(record, at, part.length);
    System.arraycopy(part, 0, record, at + 4, part.length);
    return at + 4 + part.length;
  }

  private static String string(byte[] record, int at) {
    return new String(record, at + 4, readInt(record, at), StandardCharsets.UTF_8);
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  private static long readLong(byte[] b, int at) {
    return (long) readInt(b, at) << 32 | readInt(b, at + 4) & 0xffffffffL;
  }

  private static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static void writeLong(byte[] b, int at, long v) {
    writeInt(b, at, (int) (v >>> 32));
    writeInt(b, at + 4, (int) v);
  }
}
