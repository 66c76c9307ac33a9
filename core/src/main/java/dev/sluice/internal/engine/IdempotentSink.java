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
 */
final class IdempotentSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotentSink.class);

  private final EventSink next;
  private final EventStore store;
  private final Map<EventKey, CompletableFuture<Result>> running = new ConcurrentHashMap<>();

  IdempotentSink(EventSink next, EventStore store) {
    this.next = next;
    this.store = store;
  }

  @Override
  public CompletionStage<Result> submit(Event event, Delivery delivery) {
    EventKey key = event.key();
    CompletableFuture<Result> mine = new CompletableFuture<>();
    CompletableFuture<Result> first = running.putIfAbsent(key, mine);
    if (first != null) {
      long left = Duration.between(Instant.now(), delivery.deadline()).toNanos();
      return first.copy().thenApply(r -> r.withEventId(event.id()))
          .completeOnTimeout(Result.failure(event.id(), Status.TIMEOUT, "DEADLINE_EXCEEDED",
              "the same event is still being processed; its result was not ready in time"),
              Math.max(0, left), TimeUnit.NANOSECONDS);
    }
    CompletionStage<Result> outcome;
    try {
      outcome = store.admit(event).thenCompose(admission -> decide(event, delivery, admission));
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome.whenComplete((r, t) -> {
      running.remove(key, mine);
      if (t != null) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null
            ? t.getCause() : t;
        if (cause instanceof DependencyUnavailableException) {
          // the breaker logged when it opened; one line per refused event would flood the log
          LOG.debug("store refused {}: {}", event, cause.getMessage());
        } else {
          LOG.warn("store failed for {}: {}", event, cause.toString());
        }
        mine.complete(Result.failure(event.id(), Status.UNAVAILABLE, "STORE_UNAVAILABLE",
            "the event store failed: " + cause.getMessage() + "; retry later"));
      } else {
        mine.complete(r);
      }
    });
    return mine;
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
        return next.submit(event, delivery).thenCompose(r -> settle(event.key(), r));
    }
  }

  private CompletionStage<Result> settle(EventKey key, Result r) {
    if (r.status() == Status.OK || r.status() == Status.ERROR) {
      return store.complete(key, r).thenApply(v -> r);
    }
    return store.release(key).thenApply(v -> r);
  }
}
