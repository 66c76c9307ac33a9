package dev.sluice.internal.services;

import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.SharedData;
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
 * <p>Every record has a sequence number, counting the puts. The ring holds records in that
 * order, from {@code tail} (the eldest) to {@code head}; when a record does not fit before the
 * end, the ring wraps to the start. When it has no room for a record while it holds fewer than
 * {@code maxEntries} records it grows (doubling, laid out again from the start), up to
 * {@code maxEntries} records of {@link #LARGE_BODY} bytes; so it settles at no more than twice
 * what {@code maxEntries} records of the usual size need. A result whose record would be larger
 * keeps its body in an array of its own and only a stub in the ring. Two small arrays, indexed
 * by sequence number modulo {@code maxEntries}, hold each live record's ring offset and key
 * hash.
 *
 * <p>The index is open addressing with linear probing: each slot is one {@code long} holding the
 * key's hash and its record's sequence number, so that a probe costs one memory access (the
 * index of a full window is megabytes, and each access a cache miss) and the ring is read only
 * when the hashes match. Forgetting the eldest record touches neither the ring nor the index:
 * its slot is simply no longer live, since its sequence number has fallen out of the window. A
 * probe passes over such stale slots and a put reuses the first one on its way. When stale and
 * live slots together fill three quarters of the index, it is rebuilt from the live records.
 * (Removing the eldest's slot at once, as before, cost a cache miss in the ring and one in the
 * index for every event: 7 % of the server's CPU in a profile at peak.)
 *
 * <p>Not thread-safe: the store calls it under its lock, except for {@link ResultIndex#mayHold}
 * on its {@link #index()}, which any thread may call.
 */
final class CompletedResults {
  /** A body (key and result) larger than this is kept in an array of its own. */
  static final int LARGE_BODY = 1024;
  private static final int INITIAL_RING = 64 * 1024;
  /** Puts between two rebuilds at most, so that no stale slot lives to see its number reused. */
  private static final long MAX_PUTS_BETWEEN_REBUILDS = 1L << 30;
  // record: [long at] then the body, or for a large one an int index into `large`
  private static final int AT = 0;
  private static final int BODY = 8;
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
  /** The live records: sequence numbers {@code next - size} to {@code next - 1}. */
  private int size;
  /** The sequence number of the next put. */
  private long next;
  /**
   * Per live record, by sequence number modulo the arrays' length (a power of two, at least
   * maxEntries, so that the live ones never share an entry): its ring offset, or ~offset if
   * its body is large.
   */
  private final int[] offsets;
  /** Per live record, as {@link #offsets}: its key's hash. */
  private final int[] hashes;
  private final int entryMask;
  /** The index's slots, which other threads may probe without the lock. */
  private final ResultIndex index;
  /** Slots in use, live or stale; at {@code rebuildAt} the index is rebuilt. */
  private int used;
  private final int rebuildAt;
  private long rebuiltAtPut;
  /** Bodies of large records, in the ring's order. */
  private final byte[][] large;
  private int largeTail;
  private int largeCount;
  /** The sources and content types of consecutive results are mostly the same strings. */
  private final LastEncoded sources = new LastEncoded();
  private final LastEncoded contentTypes = new LastEncoded();

  CompletedResults(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("at least one entry, got " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.maxRing = (int) Math.min(Integer.MAX_VALUE - 8,
        (long) maxEntries * (BODY + LARGE_BODY));
    this.ring = new byte[Math.min(INITIAL_RING, maxRing)];
    int capacity = Integer.highestOneBit(Math.max(2, maxEntries) * 2 - 1) << 1;
    this.index = new ResultIndex(capacity);
    // at least twice maxEntries slots: the live ones never fill three quarters of them
    this.rebuildAt = capacity / 4 * 3;
    int entries = Integer.highestOneBit(maxEntries * 2 - 1);
    this.offsets = new int[entries];
    this.hashes = new int[entries];
    this.entryMask = entries - 1;
    this.large = new byte[maxEntries][];
  }

  int size() {
    return size;
  }

  /** The index's slots, for {@link ResultIndex#mayHold} from any thread. */
  ResultIndex index() {
    return index;
  }

  /** The hash by which {@code key} is indexed, for {@link ResultIndex#mayHold}. */
  static int hash(EventKey key) {
    return spread(key.hashCode());
  }

  /** The ring's size in bytes. */
  int ringBytes() {
    return ring.length;
  }

  /** The result stored for {@code key}, or null. */
  Result get(EventKey key) {
    long seq = find(key);
    return seq < 0 ? null : decodeResult(bodyArray(seq), bodyOffset(seq));
  }

  /** When the result for {@code key} was stored, or -1 when there is none. */
  long storedAt(EventKey key) {
    long seq = find(key);
    return seq < 0 ? -1 : readLong(ring, ringOffset(seq) + AT);
  }

  /**
   * Stores {@code result} for {@code key} at {@code atMillis}, replacing what was stored for it;
   * when full, the eldest result is forgotten.
   */
  void put(EventKey key, Result result, long atMillis) {
    // encoded straight into the ring: the parts are measured first, then written in place
    // (getBytes, an intrinsic, is faster than a loop over the characters, despite the array)
    byte[] source = sources.bytes(key.source());
    byte[] id = key.id().getBytes(StandardCharsets.UTF_8);
    byte[] data = result.hasData() ? SharedData.of(result) : null;
    byte[] contentType = contentTypes.bytes(result.dataContentType().orElse(null));
    byte[] code = bytes(result.errorCode().orElse(null));
    byte[] message = bytes(result.errorMessage().orElse(null));
    int bodyLength = 4 + source.length + 4 + id.length + 2 + partLength(data)
        + partLength(contentType) + partLength(code) + partLength(message);
    int flags = (result.isDeadLettered() ? DEAD_LETTERED : 0) | (data == null ? 0 : HAS_DATA)
        | (contentType == null ? 0 : HAS_CONTENT_TYPE) | (code == null ? 0 : HAS_CODE)
        | (message == null ? 0 : HAS_MESSAGE);
    boolean isLarge = bodyLength > LARGE_BODY;
    int at = reserve(BODY + (isLarge ? 4 : bodyLength));
    int hash = spread(key.hashCode());
    long seq = next++;
    int entry = entry(seq);
    offsets[entry] = isLarge ? ~at : at;
    hashes[entry] = hash;
    size++;
    writeLong(ring, at + AT, atMillis);
    byte[] body;
    int to;
    if (isLarge) {
      body = new byte[bodyLength];
      to = 0;
      int largeAt = (largeTail + largeCount) % large.length;
      large[largeAt] = body;
      largeCount++;
      writeInt(ring, at + BODY, largeAt);
    } else {
      body = ring;
      to = at + BODY;
    }
    to = put(body, to, source);
    to = put(body, to, id);
    body[to++] = (byte) result.status().ordinal();
    body[to++] = (byte) flags;
    to = putPart(body, to, data);
    to = putPart(body, to, contentType);
    to = putPart(body, to, code);
    putPart(body, to, message);
    // a replaced record stays in the ring, unindexed, until its turn to be forgotten
    index(hash, key.source(), key.id(), seq);
  }

  /** When the eldest result was stored, or -1 when there is none. */
  long eldestMillis() {
    return size == 0 ? -1 : readLong(ring, tail + AT);
  }

  /** Forgets the eldest result; its index slot goes stale, to be reused or rebuilt away. */
  void removeEldest() {
    if (size == 0) {
      throw new IllegalStateException("no result to forget");
    }
    long eldest = next - size;
    if (offsets[entry(eldest)] < 0) {
      large[largeTail] = null;
      largeTail = (largeTail + 1) % large.length;
      largeCount--;
    }
    size--;
    if (size == 0) {
      tail = 0;
      head = 0;
      wrapAt = -1;
      return;
    }
    int following = ringOffset(eldest + 1);
    if (following < tail) {
      wrapAt = -1; // the eldest was the last record before the wrap
    }
    tail = following;
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

  /**
   * A larger ring, its records laid out again from the start. The index holds sequence
   * numbers, not offsets, so only the live records' offsets move.
   */
  private void grow(int needed) {
    int first = (wrapAt < 0 ? head : wrapAt) - tail; // the records from tail to the end or wrap
    int second = wrapAt < 0 ? 0 : head; // the records after the wrap
    int length = first + second;
    long want = Math.max((long) ring.length * 2, (long) length + needed);
    byte[] bigger = new byte[(int) Math.min(maxRing, want)];
    System.arraycopy(ring, tail, bigger, 0, first);
    System.arraycopy(ring, 0, bigger, first, second);
    for (long seq = next - size; seq < next; seq++) {
      int entry = entry(seq);
      int o = offsets[entry];
      int at = o < 0 ? ~o : o;
      int moved = at >= tail ? at - tail : at + first; // before the wrap, or after it
      offsets[entry] = o < 0 ? ~moved : moved;
    }
    ring = bigger;
    tail = 0;
    head = length;
    wrapAt = -1;
  }

  /** The sequence number of the live record for {@code key}, or -1. */
  private long find(EventKey key) {
    int hash = spread(key.hashCode());
    String source = key.source();
    String id = key.id();
    long[] slots = index.slots;
    int mask = index.mask;
    int slot = hash & mask;
    long entry;
    while ((entry = slots[slot]) != 0) {
      if (hashOf(entry) == hash) {
        long seq = liveSeq(entry);
        if (seq >= 0 && sameKey(bodyArray(seq), bodyOffset(seq), source, id)) {
          return seq;
        }
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /**
   * Points the key's slot at record {@code seq}: the slot of its live record if it has one,
   * else the first stale slot on its probe, else the empty slot that ends the probe.
   */
  private void index(int hash, String source, String id, long seq) {
    long[] slots = index.slots;
    int mask = index.mask;
    int slot = hash & mask;
    int reusable = -1;
    long entry;
    while ((entry = slots[slot]) != 0) {
      long live = liveSeq(entry);
      if (live < 0) {
        if (reusable < 0) {
          reusable = slot;
        }
      } else if (hashOf(entry) == hash
          && sameKey(bodyArray(live), bodyOffset(live), source, id)) {
        index.set(slot, slot(hash, seq));
        return;
      }
      slot = (slot + 1) & mask;
    }
    if (reusable >= 0) {
      index.set(reusable, slot(hash, seq));
      return;
    }
    index.set(slot, slot(hash, seq));
    used++;
    if (used >= rebuildAt || next - rebuiltAtPut >= MAX_PUTS_BETWEEN_REBUILDS) {
      rebuild();
    }
  }

  /** The index again from the live records, eldest first, so a newer record of a key wins. */
  private void rebuild() {
    long[] slots = index.beginRebuild();
    int mask = index.mask;
    used = 0;
    rebuiltAtPut = next;
    for (long seq = next - size; seq < next; seq++) {
      int hash = hashes[entry(seq)];
      int slot = hash & mask;
      long entry;
      while ((entry = slots[slot]) != 0) {
        if (hashOf(entry) == hash && sameRecordKey(liveSeq(entry), seq)) {
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (entry == 0) {
        used++;
      }
      slots[slot] = slot(hash, seq);
    }
    index.endRebuild();
  }

  /** True when records {@code a} and {@code b} have the same key. */
  private boolean sameRecordKey(long a, long b) {
    byte[] bodyA = bodyArray(a);
    byte[] bodyB = bodyArray(b);
    int offA = bodyOffset(a);
    int offB = bodyOffset(b);
    int endA = keyEnd(bodyA, offA);
    int endB = keyEnd(bodyB, offB);
    return Arrays.equals(bodyA, offA, endA, bodyB, offB, endB);
  }

  /** Where the key (source and id, each with its length) of the body at {@code off} ends. */
  private static int keyEnd(byte[] body, int off) {
    int idAt = off + 4 + readInt(body, off);
    return idAt + 4 + readInt(body, idAt);
  }

  /** The live record a slot points at, or -1 when it is stale (its record was forgotten). */
  private long liveSeq(long slot) {
    long age = (next - slot) & 0xFFFF_FFFFL; // puts since it, from the low 32 bits
    return age >= 1 && age <= size ? next - age : -1;
  }

  private int entry(long seq) {
    return (int) seq & entryMask;
  }

  private int ringOffset(long seq) {
    int o = offsets[entry(seq)];
    return o < 0 ? ~o : o;
  }

  private byte[] bodyArray(long seq) {
    int o = offsets[entry(seq)];
    return o < 0 ? large[readInt(ring, ~o + BODY)] : ring;
  }

  private int bodyOffset(long seq) {
    int o = offsets[entry(seq)];
    return o < 0 ? 0 : o + BODY;
  }

  private static long slot(int hash, long seq) {
    return (long) hash << 32 | (seq & 0xFFFF_FFFFL);
  }

  private static int hashOf(long slot) {
    return (int) (slot >>> 32);
  }

  /**
   * The key's hash, spread, and never 0, so that no used slot is 0.
   *
   * <p>Only the high half is folded in, on purpose. Ids that count up ({@code order-1041},
   * {@code order-1042}) have string hashes that count up too, so their slots are neighbours and
   * linear probing walks runs of them. A full mix (MurmurHash3's finalizer) cut those runs short
   * and made the store's own benchmarks 20 to 25 % faster, but {@code sluice serve} used about
   * 0.25 µs more CPU per request with it (six alternating pairs, 2026-11-29). Probably because
   * neighbouring slots are on lines that the last events wrote and that are still in the cache,
   * where a mixed slot is a miss in megabytes of index at every probe. Random ids (UUIDs) miss
   * either way.
   */
  private static int spread(int h) {
    int spread = h ^ (h >>> 16);
    return spread == 0 ? 1 : spread;
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
