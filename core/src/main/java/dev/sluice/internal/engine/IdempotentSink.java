package dev.sluice.internal.engine;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.resilience.DependencyUnavailableException;
import dev.sluice.spi.Admission;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.EventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * event is released so that a retry is processed. A copy waiting for a first that is released
 * is submitted anew when the store {@linkplain EventStore#waitsForAdmitters keeps the waiting}
 * (a store in memory), and gets the first's answer otherwise.
 *
 * <p>When a store call fails or times out (the database went away), the sender hears
 * UNAVAILABLE, but the store may still hold the event as in progress: the admission may commit
 * after its caller gave up, or the completion or release may never be written. Such a row
 * would answer every retry IN_PROGRESS until a restart. So the key is remembered as
 * <em>unsettled</em>, with the result when it was known, and the next submit of the same event
 * first writes what is owed (the result, or a release) and then admits it again: a processed
 * event gets its stored result, an unprocessed one is processed. At most
 * {@value #MAX_UNSETTLED} keys are remembered; rows beyond that are recovered on the next start.
 */
final class IdempotentSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotentSink.class);
  static final int MAX_UNSETTLED = 100_000;

  private final EventSink next;
  private final EventStore store;
  /**
   * The events running here, for copies to wait on, unless the store keeps that itself
   * ({@link EventStore#waitsForAdmitters}, a store in memory): then the map would be two more
   * locked operations per event, which two event loops contend for.
   */
  private final Map<EventKey, CompletableFuture<Result>> running = new ConcurrentHashMap<>();
  private final boolean storeWaits;
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
    this.storeWaits = store.waitsForAdmitters();
  }

  @Override
  public CompletionStage<Result> submit(Event event, Delivery delivery) {
    if (storeWaits) {
      return answer(event, delivery, null);
    }
    EventKey key = event.key();
    CompletableFuture<Result> mine = new CompletableFuture<>();
    CompletableFuture<Result> first = running.putIfAbsent(key, mine);
    if (first != null) {
      return withinDeadline(first.copy().thenApply(r -> r.withEventId(event.id())), delivery,
          event);
    }
    return answer(event, delivery, mine);
  }

  /**
   * Admits, processes and settles {@code event}, and answers through {@code mine} (the entry of
   * the map of running events, which it leaves), or without the map when it is null.
   */
  private CompletionStage<Result> answer(Event event, Delivery delivery,
      CompletableFuture<Result> mine) {
    EventKey key = event.key();
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
      if (mine == null) {
        return outcome;
      }
      running.remove(key, mine);
      mine.complete(outcome.toCompletableFuture().getNow(null));
      return mine;
    }
    CompletableFuture<Result> answer = mine == null ? new CompletableFuture<>() : mine;
    outcome.whenComplete((r, t) -> {
      if (mine != null) {
        running.remove(key, mine);
      }
      if (t != null) {
        Throwable cause = unwrap(t);
        if (cause instanceof DependencyUnavailableException) {
          // the breaker logged when it opened; one line per refused event would flood the log
          LOG.debug("store refused {}: {}", event, cause.getMessage());
        } else {
          LOG.warn("store failed for {}: {}", event, cause.toString());
        }
        answer.complete(Result.failure(event.id(), Status.UNAVAILABLE, "STORE_UNAVAILABLE",
            "the event store failed: " + cause.getMessage() + "; retry later"));
      } else {
        answer.complete(r);
      }
    });
    return answer;
  }

  /**
   * A copy's wait for the first of its event, cut at the copy's own deadline. The first may
   * still finish after that; the copy's sender then retries and gets the stored result.
   */
  private static CompletionStage<Result> withinDeadline(CompletableFuture<Result> waiting,
      Delivery delivery, Event event) {
    long left = Duration.between(Instant.now(), delivery.deadline()).toNanos();
    return waiting.completeOnTimeout(Result.failure(event.id(), Status.TIMEOUT,
        "DEADLINE_EXCEEDED",
        "the same event is still being processed; its result was not ready in time"),
        Math.max(0, left), TimeUnit.NANOSECONDS);
  }

  /**
   * A copy of an event that this sink is running, told by the store when the first settles:
   * its result, or null when it was released unprocessed, and the copy is submitted anew
   * (unless its deadline has passed by then: its sender no longer waits).
   */
  private CompletionStage<Result> awaitSettled(CompletionStage<Result> settled, Event event,
      Delivery delivery) {
    CompletableFuture<Result> answer = new CompletableFuture<>();
    settled.whenComplete((r, t) -> {
      if (answer.isDone()) {
        return;
      }
      if (r != null) {
        answer.complete(r.withEventId(event.id()));
      } else {
        // submit answers store failures with a result; it does not fail
        submit(event, delivery).thenAccept(answer::complete);
      }
    });
    return withinDeadline(answer, delivery, event);
  }

  /** Admits {@code event}, after writing what a failed store call left owed for it. */
  private CompletionStage<Admission> admit(Event event) {
    EventKey key = event.key();
    // almost always empty, and then not looked up
    Unsettled owed = unsettled.isEmpty() ? null : unsettled.get(key);
    CompletionStage<Admission> admitted = owed == null ? store.admit(event, this)
        : owed.settle(store, key).thenCompose(v -> store.admit(event, this))
            .thenApply(admission -> paid(key, owed, admission));
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

  /** Forgets what {@code key} owed once its admission after paying it is not in progress. */
  private Admission paid(EventKey key, Unsettled owed, Admission admission) {
    // Still in progress: an admission may have committed after the release; keep the debt so
    // that the next try releases it again.
    if (admission.kind() != Admission.Kind.IN_PROGRESS) {
      unsettled.remove(key, owed);
    }
    return admission;
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
        Optional<CompletionStage<Result>> settled = admission.settled();
        if (settled.isPresent()) {
          return awaitSettled(settled.get(), event, delivery);
        }
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
