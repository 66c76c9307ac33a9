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
 * <p>Events in progress are kept whole (for {@link #incomplete}); completed results are kept
 * encoded, as records in one byte array, in {@link CompletedResults}.
 */
public final class InMemoryEventStore implements EventStore {
  /** How often completed entries past their retention are looked for. */
  private static final long EXPIRY_SCAN_MILLIS = 1_000;

  private final Clock clock;
  private final long retentionMillis;
  private final int maxEntries;
  /** Events admitted and not yet completed or released, eldest first; bounded as well. */
  private final LinkedHashMap<EventKey, Event> inProgress = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<EventKey, Event> eldest) {
      return size() > maxEntries;
    }
  };
  private final CompletedResults completed;
  private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();
  private long lastExpiryScan;

  public InMemoryEventStore(Clock clock, long retentionMillis, int maxEntries) {
    this.clock = clock;
    this.retentionMillis = retentionMillis;
    this.maxEntries = maxEntries;
    this.completed = new CompletedResults(maxEntries);
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
    if (inProgress.containsKey(key)) {
      return CompletableFuture.completedFuture(Admission.inProgress());
    }
    Result result = completed.get(key);
    if (result != null) {
      return CompletableFuture.completedFuture(Admission.completed(result));
    }
    inProgress.put(key, event);
    return CompletableFuture.completedFuture(Admission.fresh());
  }

  @Override
  public synchronized CompletionStage<Void> complete(EventKey key, Result result) {
    if (inProgress.remove(key) != null) {
      completed.put(key, result, clock.millis());
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Void> release(EventKey key) {
    inProgress.remove(key);
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
    for (Event e : inProgress.values()) {
      if (out.size() >= max) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /** Forgets completed results past their retention, eldest first. */
  private void forgetExpired(long now) {
    long eldest;
    while ((eldest = completed.eldestMillis()) >= 0 && now - eldest > retentionMillis) {
      completed.removeEldest();
    }
  }
}
