package dev.sluice.internal.engine;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventGuard;
import dev.sluice.spi.EventSink;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an event the guard refuses at once, so that it is neither stored nor dispatched; a
 * guard that throws refuses the event rather than letting it through.
 */
final class GuardedSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(GuardedSink.class);

  private final EventGuard guard;
  private final EventSink next;

  GuardedSink(EventGuard guard, EventSink next) {
    this.guard = guard;
    this.next = next;
  }

  @Override
  public CompletionStage<Result> submit(Event event, Delivery delivery) {
    Optional<Result> refusal;
    try {
      refusal = guard.check(event, delivery);
    } catch (RuntimeException e) {
      LOG.error("the event guard failed on {}; the event is refused", event, e);
      return CompletableFuture.completedFuture(Result.failure(event.id(), Status.INVALID,
          "GUARD_FAILED", "the event could not be checked; report this to the operator"));
    }
    if (refusal.isPresent()) {
      return CompletableFuture.completedFuture(refusal.get());
    }
    return next.submit(event, delivery);
  }
}
