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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Idempotent results kept in memory for one server: completed results are remembered for a
 * retention period, up to a maximum number of entries (oldest forgotten first), so memory stays
 * bounded. Dead letters are kept up to a bound too. Nothing survives a restart.
 */
public final class InMemoryEventStore implements EventStore {
  /** How often completed entries past their retention are looked for. */
  private static final long EXPIRY_SCAN_MILLIS = 1_000;

  private final Clock clock;
  private final long retentionMillis;
  private final int maxEntries;
  /** Insertion order, so the eldest is first; the bound is kept on every insert. */
  private final LinkedHashMap<EventKey, Entry> entries = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<EventKey, Entry> eldest) {
      return size() > maxEntries;
    }
  };
  private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();
  private long lastExpiryScan;

  public InMemoryEventStore(Clock clock, long retentionMillis, int maxEntries) {
    this.clock = clock;
    this.retentionMillis = retentionMillis;
    this.maxEntries = maxEntries;
  }

  @Override
  public boolean answersFromMemory() {
    return true;
  }

  @Override
  public synchronized CompletionStage<Admission> admit(Event event) {
    long now = clock.millis();
    if (now - lastExpiryScan >= EXPIRY_SCAN_MILLIS) {
      lastExpiryScan = now;
      forgetExpired(now);
    }
    EventKey key = event.key();
    Entry e = entries.get(key);
    if (e == null) {
      entries.put(key, new Entry(event, now));
      return CompletableFuture.completedFuture(Admission.fresh());
    }
    return CompletableFuture.completedFuture(e.result == null
        ? Admission.inProgress() : Admission.completed(e.result));
  }

  @Override
  public synchronized CompletionStage<Void> complete(EventKey key, Result result) {
    Entry e = entries.get(key);
    if (e != null) {
      e.result = result;
      e.event = null; // only in-progress events are kept whole, for recovery
      e.at = clock.millis();
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Void> release(EventKey key) {
    Entry e = entries.get(key);
    if (e != null && e.result == null) {
      entries.remove(key);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Void> deadLetter(DeadLetter letter) {
    if (deadLetters.size() >= maxEntries) {
      deadLetters.removeFirst();
    }
    deadLetters.addLast(letter);
    return CompletableFuture.completedFuture(null);
  }

  public synchronized List<DeadLetter> deadLetters() {
    return new ArrayList<>(deadLetters);
  }

  @Override
  public synchronized List<Event> incomplete(int max) {
    List<Event> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.result == null && out.size() < max) {
        out.add(e.event);
      }
    }
    return out;
  }

  /**
   * Forgets completed entries past their retention, eldest first, stopping at the first one
   * that is still kept (later ones were admitted after it).
   */
  private void forgetExpired(long now) {
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      Entry oldest = it.next();
      if (oldest.result == null || now - oldest.at <= retentionMillis) {
        return;
      }
      it.remove();
    }
  }

  private static final class Entry {
    Event event;
    Result result;
    long at;

    Entry(Event event, long at) {
      this.event = event;
      this.at = at;
    }
  }
}
