package dev.sluice.spi;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Durable events and idempotent results, keyed by {@link EventKey} ({@code source}, {@code id}).
 *
 * <p>The engine calls {@link #admit} before processing: a new event is recorded as in progress;
 * a repeat of a completed event gets its stored result back without the processor running again;
 * a repeat of one still running is told so. After processing, {@link #complete} stores the
 * result. Implementations may batch concurrent calls into shared transactions (group commit), so
 * both return stages.
 */
public interface EventStore {

  /** Records {@code event} as accepted, unless it was seen before. */
  CompletionStage<Admission> admit(Event event);

  /**
   * As {@link #admit(Event)}, on behalf of {@code admitter} (one engine): a store that
   * {@linkplain #waitsForAdmitters tells admitters} answers a repeat of an event that is in
   * progress for the same admitter with {@link Admission#inProgressHere}, whose stage completes
   * when that event settles. The engine then needs no map of its own of the events it runs. The
   * default ignores the admitter.
   */
  default CompletionStage<Admission> admit(Event event, Object admitter) {
    return admit(event);
  }

  /**
   * True when {@link #admit(Event, Object)} answers {@link Admission#inProgressHere} for the
   * admitter's own events in progress, and {@link #complete} and {@link #release} complete its
   * stage. A store in memory can; a shared database does not know which process waits.
   */
  default boolean waitsForAdmitters() {
    return false;
  }

  /** Stores the result of an admitted event. */
  CompletionStage<Void> complete(EventKey key, Result result);

  /**
   * Forgets an admitted event that was not processed to a final result (it was refused, timed
   * out or abandoned), so that a retry of it is processed.
   */
  CompletionStage<Void> release(EventKey key);

  /** Keeps an event that failed after its retries. */
  CompletionStage<Void> deadLetter(DeadLetter letter);

  /** Events admitted but never completed (after a crash), oldest first, for recovery. */
  List<Event> incomplete(int max);

  /**
   * True when {@link #admit}, {@link #complete} and {@link #release} are answered from this
   * process's memory and never wait for a database (as with {@code store.durability: memory}):
   * the engine then calls them directly, without the store's circuit breaker and call timeout,
   * which guard against a database that stops answering.
   */
  default boolean answersFromMemory() {
    return false;
  }
}
