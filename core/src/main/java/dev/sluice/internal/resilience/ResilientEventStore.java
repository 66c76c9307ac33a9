package dev.sluice.internal.resilience;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventStore;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * An {@link EventStore} behind a circuit breaker and a call timeout: when the database stops
 * answering, each call fails within the timeout, and once the breaker opens at once, so that
 * senders get {@code UNAVAILABLE} quickly instead of piling up behind the store. A store that
 * {@linkplain EventStore#answersFromMemory answers from memory} is called directly for
 * admissions and results; dead letters and recovery still go through the breaker.
 */
public final class ResilientEventStore implements EventStore {
  private final EventStore store;
  private final BreakerGuard guard;
  /** Admissions and results are kept in memory: nothing there to guard. */
  private final boolean direct;

  public ResilientEventStore(EventStore store, BreakerGuard guard) {
    this.store = store;
    this.guard = guard;
    this.direct = store.answersFromMemory();
  }

  /** The store behind the breaker. */
  public EventStore delegate() {
    return store;
  }

  public BreakerGuard guard() {
    return guard;
  }

  @Override
  public CompletionStage<Admission> admit(Event event) {
    return direct ? store.admit(event) : guard.call(() -> store.admit(event));
  }

  @Override
  public CompletionStage<Admission> admit(Event event, Object admitter) {
    return direct ? store.admit(event, admitter)
        : guard.call(() -> store.admit(event, admitter));
  }

  @Override
  public boolean waitsForAdmitters() {
    return store.waitsForAdmitters();
  }

  @Override
  public CompletionStage<Void> complete(EventKey key, Result result) {
    return direct ? store.complete(key, result) : guard.call(() -> store.complete(key, result));
  }

  @Override
  public CompletionStage<Void> release(EventKey key) {
    return direct ? store.release(key) : guard.call(() -> store.release(key));
  }

  @Override
  public CompletionStage<Void> deadLetter(DeadLetter letter) {
    return guard.call(() -> store.deadLetter(letter));
  }

  @Override
  public List<Event> incomplete(int max) {
    try {
      return guard.execute(() -> store.incomplete(max));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the event store failed to list incomplete events", e);
    }
  }

  @Override
  public boolean answersFromMemory() {
    return direct;
  }

  @Override
  public String toString() {
    return store.getClass().getSimpleName() + " behind " + guard;
  }
}
