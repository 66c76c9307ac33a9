package dev.sluice.internal.services;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventStore;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Idempotent results kept in memory for one server: completed results are remembered for a
 * retention period, up to a maximum number of entries (oldest forgotten first), so memory stays
 * bounded. Dead letters are kept up to a bound too. Nothing survives a restart.
 *
 * <p>Events in progress are kept whole (for {@link #incomplete}), with the admitter that
 * admitted each ({@link #admit(Event, Object)}): a copy from the same admitter gets a stage that
 * completes when the first settles, so the engine needs no map of its own; a copy from another
 * admitter (another engine sharing this store in one process) hears IN_PROGRESS. Completed
 * results are kept encoded, as records in one byte array, in {@link CompletedResults}.
 *
 * <p>A store of at least twice {@value #ENTRIES_PER_SEGMENT} entries is split by key into
 * segments of about that many (a power of two of them, at most {@value #MAX_SEGMENTS}), with a
 * lock each, so that transport threads admitting and
 * completing events at once rarely wait for each other (with one lock, two event loops spent
 * about 2 % of the server's CPU spinning on it). Each segment keeps its own newest share of the
 * entries, so the bound holds and the newest results overall are kept to within one segment's
 * share.
 *
 * <p>The clock is read once per completed event (its time, and a scan for expired results at
 * most once a second), and on admission only when a result for the event is found, to check
 * that it is still within the retention.
 */
public final class InMemoryEventStore implements EventStore {
  /** How often completed entries past their retention are looked for. */
  private static final long EXPIRY_SCAN_MILLIS = 1_000;
  static final int ENTRIES_PER_SEGMENT = 2_048;
  static final int MAX_SEGMENTS = 16;

  private final Clock clock;
  private final long retentionMillis;
  private final int maxEntries;
  private final Segment[] segments;
  private final int segmentShift;
  private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();

  public InMemoryEventStore(Clock clock, long retentionMillis, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("at least one entry, got " + maxEntries);
    }
    this.clock = clock;
    this.retentionMillis = retentionMillis;
    this.maxEntries = maxEntries;
    int count = Math.min(MAX_SEGMENTS, Integer.highestOneBit(
        Math.max(1, maxEntries / ENTRIES_PER_SEGMENT)));
    this.segments = new Segment[count];
    for (int i = 0; i < count; i++) {
      // the first segments take the remainder, so the shares add up to maxEntries
      segments[i] = new Segment(maxEntries / count + (i < maxEntries % count ? 1 : 0));
    }
    this.segmentShift = 32 - Integer.numberOfTrailingZeros(count);
  }

  @Override
  public boolean answersFromMemory() {
    return true;
  }

  /** The segment of {@code key}: from the hash's high bits, which the index does not use. */
  private Segment segment(EventKey key) {
    if (segments.length == 1) {
      return segments[0];
    }
    return segments[(key.hashCode() * 0x9E3779B9) >>> segmentShift];
  }

  @Override
  public boolean waitsForAdmitters() {
    return true;
  }

  @Override
  public CompletionStage<Admission> admit(Event event) {
    return admit(event, null);
  }

  @Override
  public CompletionStage<Admission> admit(Event event, Object admitter) {
    EventKey key = event.key();
    Segment s = segment(key);
    Running evicted;
    synchronized (s) {
      Running running = s.inProgress.get(key);
      if (running != null) {
        if (admitter == null || running.admitter != admitter) {
          return CompletableFuture.completedFuture(Admission.inProgress());
        }
        if (running.settled == null) {
          running.settled = new CompletableFuture<>();
        }
        // a view: a copy cannot complete what the other copies wait on
        return CompletableFuture.completedFuture(
            Admission.inProgressHere(running.settled.minimalCompletionStage()));
      }
      long storedAt = s.completed.storedAt(key);
      if (storedAt >= 0 && clock.millis() - storedAt <= retentionMillis) {
        return CompletableFuture.completedFuture(Admission.completed(s.completed.get(key)));
      }
      s.inProgress.put(key, new Running(event, admitter));
      evicted = s.takeEvicted();
    }
    if (evicted != null) {
      evicted.settle(null); // its waiters retry, and are admitted anew
    }
    return CompletableFuture.completedFuture(Admission.fresh());
  }

  @Override
  public CompletionStage<Void> complete(EventKey key, Result result) {
    Segment s = segment(key);
    Running running;
    synchronized (s) {
      running = s.inProgress.remove(key);
      if (running != null) {
        long now = clock.millis();
        if (now - s.lastExpiryScan >= EXPIRY_SCAN_MILLIS) {
          s.lastExpiryScan = now;
          s.forgetExpired(now, retentionMillis);
        }
        s.completed.put(key, result, now);
      }
    }
    if (running != null) {
      running.settle(result);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> release(EventKey key) {
    Segment s = segment(key);
    Running running;
    synchronized (s) {
      running = s.inProgress.remove(key);
    }
    if (running != null) {
      running.settle(null);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> deadLetter(DeadLetter letter) {
    synchronized (deadLetters) {
      if (deadLetters.size() >= maxEntries) {
        deadLetters.removeFirst();
      }
      deadLetters.addLast(letter);
    }
    return CompletableFuture.completedFuture(null);
  }

  public List<DeadLetter> deadLetters() {
    synchronized (deadLetters) {
      return new ArrayList<>(deadLetters);
    }
  }

  @Override
  public List<Event> incomplete(int max) {
    List<Event> out = new ArrayList<>();
    for (Segment s : segments) {
      synchronized (s) {
        for (Running r : s.inProgress.values()) {
          if (out.size() >= max) {
            return out;
          }
          out.add(r.event);
        }
      }
    }
    return out;
  }

  /** An event in progress: who admitted it, and the copies of it that wait, if any. */
  private static final class Running {
    final Event event;
    final Object admitter;
    /**
     * Created, under the segment's lock, when a copy from the same admitter first waits. Read
     * once the entry has left the map under that lock, so no copy can still create it.
     */
    CompletableFuture<Result> settled;

    Running(Event event, Object admitter) {
      this.event = event;
      this.admitter = admitter;
    }

    /** Tells the waiting copies, outside the lock: the result, or null to retry. */
    void settle(Result result) {
      if (settled != null) {
        settled.complete(result);
      }
    }
  }

  /** One share of the entries, under its own lock. */
  private static final class Segment {
    /** Events admitted and not yet completed or released, eldest first; bounded as well. */
    final LinkedHashMap<EventKey, Running> inProgress;
    final CompletedResults completed;
    long lastExpiryScan;
    /** The in-progress entry the last put pushed out, for its waiters to be told. */
    private Running evicted;

    Segment(int entries) {
      this.inProgress = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<EventKey, Running> eldest) {
          if (size() > entries) {
            evicted = eldest.getValue();
            return true;
          }
          return false;
        }
      };
      this.completed = new CompletedResults(entries);
    }

    Running takeEvicted() {
      Running taken = evicted;
      evicted = null;
      return taken;
    }

    /** Forgets completed results past their retention, eldest first. */
    void forgetExpired(long now, long retentionMillis) {
      long eldest;
      while ((eldest = completed.eldestMillis()) >= 0 && now - eldest > retentionMillis) {
        completed.removeEldest();
      }
    }
  }
}
