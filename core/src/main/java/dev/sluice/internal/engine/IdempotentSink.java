package dev.sluice.internal.engine;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.resilience.DependencyUnavailableException;
import dev.sluice.spi.Admission;
import java.util.concurrent.CompletionException;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.EventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each event once: a repeat of {@code (source, id)} that completed gets the stored
 * result without processing; a repeat that arrives while the first is running here waits for
 * its result (up to its own deadline); one running on another server gets UNAVAILABLE with code
 * IN_PROGRESS. Only final outcomes (OK, ERROR) are stored; a refused, timed-out or abandoned
 * event is released so that a retry is processed.
 *
 * <p>When a store call fails or times out (the database went away), the sender hears
 * UNAVAILABLE, but the store may still hold the event as in progress: the admission may commit
 * after its caller gave up, or the completion or release may never be written. Such a row
 * would answer every retry IN_PROGRESS until a restart. So the key is remembered as
 * <em>unsettled</em>, with the result when it was known, and the next submit of the same event
 * first writes what is owed (the result, or a release) and then admits it again: a processed
 * event gets its stored result, an unprocessed one is processed. At most
 * {@value #MAX_UNSETTLED} keys are remembered; rows beyond that are recovered on the next start.
 *
 * <p>With a store that {@linkplain EventStore#answersFromMemory answers from memory}, every
 * event in progress is in progress here, and the map of running events is filled only when a
 * copy finds its event in progress: the copy puts its own future in the map and asks the store
 * again; the event's owner, once it has written its result to the store, looks in the map and
 * completes the future it finds. Either the owner's look comes after the copy's entry, or the
 * copy's second admission comes after the owner's write and finds the result. So an event
 * without copies costs no map writes, where otherwise each event cost two (about 2 % of a Netty
 * request's CPU).
 */
final class IdempotentSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotentSink.class);
  static final int MAX_UNSETTLED = 100_000;

  private final EventSink next;
  private final EventStore store;
  /** Whether every event in progress is in progress in this process. */
  private final boolean inMemory;
  private final Map<EventKey, CompletableFuture<Result>> running = new ConcurrentHashMap<>();
  /** Keys whose store row may be stale after a failed store call: what to write first. */
  private final Map<EventKey, Unsettled> unsettled = new ConcurrentHashMap<>();

  /** What the store is owed for one key: the result to complete it with, or else a release. */
  private record Unsettled(Result result) {
    static final Unsettled RELEASE = new Unsettled(null);

    CompletionStage<Void> settle(EventStore store, EventKey key) {
      return result == null ? store.release(key) : store.complete(key, result);
    }
  }

  IdempotentSink(EventSink next, EventStore store) {
    this.next = next;
    this.store = store;
    this.inMemory = store.answersFromMemory();
  }

  @Override
  public CompletionStage<Result> submit(Event event, Delivery delivery) {
    return inMemory ? submitInMemory(event, delivery) : submitEagerly(event, delivery);
  }

  /** Every event enters the map of running events, so copies find it there first. */
  private CompletionStage<Result> submitEagerly(Event event, Delivery delivery) {
    EventKey key = event.key();
    CompletableFuture<Result> mine = new CompletableFuture<>();
    CompletableFuture<Result> first = running.putIfAbsent(key, mine);
    if (first != null) {
      return waitFor(first, event, delivery);
    }
    CompletionStage<Result> outcome;
    try {
      CompletionStage<Admission> admitted = admit(event);
      outcome = succeeded(admitted)
          ? decide(event, delivery, admitted.toCompletableFuture().getNow(null))
          : admitted.thenCompose(admission -> decide(event, delivery, admission));
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    if (succeeded(outcome)) {
      // answered at once (a store in memory, a processor that ran inline): no stage to chain
      running.remove(key, mine);
      mine.complete(outcome.toCompletableFuture().getNow(null));
      return mine;
    }
    outcome.whenComplete((r, t) -> {
      running.remove(key, mine);
      mine.complete(t == null ? r : storeFailure(event, t));
    });
    return mine;
  }

  /** The map of running events is written only when a copy finds its event in progress. */
  private CompletionStage<Result> submitInMemory(Event event, Delivery delivery) {
    CompletableFuture<Result> first = running.get(event.key());
    if (first != null) {
      return waitFor(first, event, delivery);
    }
    return admitInMemory(event, delivery, null);
  }

  /**
   * Admits {@code event} and answers it: processed, stored or joined to the copy in progress.
   * {@code mine}, when not null, is this copy's future in the map of running events.
   */
  private CompletionStage<Result> admitInMemory(Event event, Delivery delivery,
      CompletableFuture<Result> mine) {
    CompletionStage<Result> outcome;
    try {
      CompletionStage<Admission> admitted = admit(event);
      outcome = succeeded(admitted)
          ? afterAdmission(event, delivery, admitted.toCompletableFuture().getNow(null), mine)
          : admitted.thenCompose(admission -> afterAdmission(event, delivery, admission, mine));
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    if (succeeded(outcome)) {
      return outcome; // answered at once (a processor that ran inline, a stored result)
    }
    CompletableFuture<Result> answer = new CompletableFuture<>();
    outcome.whenComplete((r, t) -> {
      if (t == null) {
        answer.complete(r);
        return;
      }
      // the admission itself failed: nothing was admitted, but copies may wait on mine
      Result failed = storeFailure(event, t);
      if (mine != null) {
        mine.complete(failed);
        running.remove(event.key(), mine);
      }
      answer.complete(failed);
    });
    return answer;
  }

  private CompletionStage<Result> afterAdmission(Event event, Delivery delivery,
      Admission admission, CompletableFuture<Result> mine) {
    EventKey key = event.key();
    if (admission.kind() == Admission.Kind.IN_PROGRESS) {
      if (mine != null) {
        return waitFor(mine, event, delivery); // its owner completes mine once it has settled
      }
      CompletableFuture<Result> joined = new CompletableFuture<>();
      CompletableFuture<Result> first = running.putIfAbsent(key, joined);
      if (first != null) {
        return waitFor(first, event, delivery);
      }
      // in the map: the owner finds it when it settles, unless it settled before; ask again
      return admitInMemory(event, delivery, joined);
    }
    CompletionStage<Result> outcome;
    try {
      outcome = decide(event, delivery, admission);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    if (succeeded(outcome)) {
      handOver(key, outcome.toCompletableFuture().getNow(null));
      return outcome;
    }
    return outcome.handle((r, t) -> {
      Result settled = r;
      if (t != null) {
        // admitted and never settled: released, so that a retry is processed
        store.release(key);
        settled = storeFailure(event, t);
      }
      handOver(key, settled);
      return settled;
    });
  }

  /** Gives {@code r}, written to the store already, to the copies waiting in the map. */
  private void handOver(EventKey key, Result r) {
    CompletableFuture<Result> waiting = running.get(key);
    if (waiting != null) {
      waiting.complete(r);
      running.remove(key, waiting);
    }
  }

  /** The result of the running copy {@code first}, for {@code event}, within its deadline. */
  private static CompletionStage<Result> waitFor(CompletableFuture<Result> first, Event event,
      Delivery delivery) {
    long left = Duration.between(Instant.now(), delivery.deadline()).toNanos();
    return first.copy().thenApply(r -> r.withEventId(event.id()))
        .completeOnTimeout(Result.failure(event.id(), Status.TIMEOUT, "DEADLINE_EXCEEDED",
            "the same event is still being processed; its result was not ready in time"),
            Math.max(0, left), TimeUnit.NANOSECONDS);
  }

  /** What the sender hears when a store call failed. */
  private static Result storeFailure(Event event, Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof DependencyUnavailableException) {
      // the breaker logged when it opened; one line per refused event would flood the log
      LOG.debug("store refused {}: {}", event, cause.getMessage());
    } else {
      LOG.warn("store failed for {}: {}", event, cause.toString());
    }
    return Result.failure(event.id(), Status.UNAVAILABLE, "STORE_UNAVAILABLE",
        "the event store failed: " + cause.getMessage() + "; retry later");
  }

  /** Admits {@code event}, after writing what a failed store call left owed for it. */
  private CompletionStage<Admission> admit(Event event) {
    EventKey key = event.key();
    Unsettled owed = unsettled.get(key);
    CompletionStage<Admission> admitted = owed == null ? store.admit(event)
        : owed.settle(store, key).thenCompose(v -> store.admit(event)).thenApply(admission -> {
          // Still in progress: an admission may have committed after the release; keep the
          // debt so that the next try releases it again.
          if (admission.kind() != Admission.Kind.IN_PROGRESS) {
            unsettled.remove(key, owed);
          }
          return admission;
        });
    if (succeeded(admitted)) {
      return admitted; // answered at once (a store in memory): nothing can be left owed
    }
    return admitted.whenComplete((a, t) -> {
      if (t != null && !(unwrap(t) instanceof DependencyUnavailableException)) {
        // the admission may still commit after this caller gave up on it
        owe(key, Unsettled.RELEASE);
      }
    });
  }

  /** Remembers what {@code key} is owed; a known result replaces an owed release. */
  private void owe(EventKey key, Unsettled what) {
    if (unsettled.size() >= MAX_UNSETTLED && !unsettled.containsKey(key)) {
      return;
    }
    if (what.result() != null) {
      unsettled.put(key, what);
    } else {
      unsettled.putIfAbsent(key, what);
    }
  }

  /**
   * True when {@code stage} is a future that already completed normally, so its value can be
   * used at once instead of through further stages (each one an allocation per event). A
   * {@link CompletableFuture} is its own {@code toCompletableFuture()}; another stage (a minimal
   * one, which does not answer {@code isDone}) is asked through a copy.
   */
  private static boolean succeeded(CompletionStage<?> stage) {
    if (!(stage instanceof CompletableFuture)) {
      return false;
    }
    CompletableFuture<?> f = stage.toCompletableFuture();
    return f.isDone() && !f.isCompletedExceptionally();
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private CompletionStage<Result> decide(Event event, Delivery delivery, Admission admission) {
    switch (admission.kind()) {
      case COMPLETED:
        return CompletableFuture.completedFuture(admission.result().orElseThrow()
            .withEventId(event.id()));
      case IN_PROGRESS:
        return CompletableFuture.completedFuture(Result.failure(event.id(), Status.UNAVAILABLE,
            "IN_PROGRESS", "event " + event.key()
                + " is being processed by another server; retry later for its result"));
      default:
        CompletionStage<Result> processed = next.submit(event, delivery);
        return succeeded(processed)
            ? settle(event.key(), processed.toCompletableFuture().getNow(null))
            : processed.thenCompose(r -> settle(event.key(), r));
    }
  }

  private CompletionStage<Result> settle(EventKey key, Result r) {
    Unsettled owed = r.status() == Status.OK || r.status() == Status.ERROR
        ? new Unsettled(r) : Unsettled.RELEASE;
    CompletionStage<Void> written = owed.settle(store, key);
    if (succeeded(written)) {
      return CompletableFuture.completedFuture(r);
    }
    return written.whenComplete((v, t) -> {
      if (t != null) {
        owe(key, owed);
      }
    }).thenApply(v -> r);
  }
}
