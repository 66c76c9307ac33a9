package dev.sluice.internal.resilience;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.ProcessorContext;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the error pipeline: an event whose processing failed for good (the processor threw,
 * after its retries if the failure was retryable) is kept as a {@link DeadLetter} in the event
 * store, with the last failure, the attempt count and the times, and its result is
 * {@link Result#isDeadLettered() marked} so a broker source routes it to its dead-letter queue
 * or topic instead of redelivering it.
 *
 * <p>Not dead-lettered: results the processor returns (its answer, even an error), refusals by
 * an open breaker ({@code UNAVAILABLE}: the event is fine, the processor is not), and calls cut
 * short by a timeout or the server stopping (the lane already answered them).
 *
 * <p>The result waits for the store's answer, which its circuit breaker and call timeout bound.
 * If the store cannot keep the letter, that is logged as an error naming the event, and the
 * result is still marked, so a broker's dead-letter queue keeps it.
 */
final class DeadLetteringProcessor extends ProcessorDecorator {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.deadletter");

  private final String name;
  private final EventStore store;
  private final Clock clock;
  private final Counter deadLetters;

  DeadLetteringProcessor(EventProcessor delegate, String name, EventStore store, Clock clock,
      Counter deadLetters) {
    super(delegate);
    this.name = name;
    this.store = store;
    this.clock = clock;
    this.deadLetters = deadLetters;
  }

  @Override
  public Result process(Event event, ProcessorContext context) throws Exception {
    try {
      return delegate.process(event, context);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return deadLettered(event, e);
    }
  }

  /**
   * As {@link #process}, when the first attempt was made elsewhere (inline) and failed: the
   * retries that are left, then the dead letter if the event still fails.
   */
  Result afterFirstAttempt(RetryingProcessor retrying, Event event, ProcessorContext context,
      Result failed, Exception thrown) throws Exception {
    try {
      return retrying.afterFirstAttempt(event, context, failed, thrown);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return deadLettered(event, e);
    }
  }

  private Result deadLettered(Event event, Exception e) throws Exception {
    if (Thread.currentThread().isInterrupted()) {
      throw e; // cut short by a timeout or a stop: the lane has answered already
    }
    DeadLetter letter = letter(event, e);
    try {
      store.deadLetter(letter).toCompletableFuture().get();
    } catch (ExecutionException stored) {
      notStored(letter, stored.getCause());
    }
    return letter.failure().asDeadLettered();
  }

  @Override
  public CompletionStage<Result> processAsync(Event event, ProcessorContext context) {
    return delegateAsync(event, context).handle((result, t) -> {
      if (t == null) {
        return CompletableFuture.completedFuture(result);
      }
      Throwable cause = unwrap(t);
      if (cause instanceof CancellationException || cause instanceof InterruptedException) {
        return CompletableFuture.<Result>failedFuture(cause);
      }
      DeadLetter letter = letter(event, cause);
      return store.deadLetter(letter).handle((v, stored) -> {
        if (stored != null) {
          notStored(letter, unwrap(stored));
        }
        return letter.failure().asDeadLettered();
      });
    }).thenCompose(stage -> stage);
  }

  private DeadLetter letter(Event event, Throwable thrown) {
    Instant now = clock.instant();
    Result failure;
    int attempts = 1;
    Instant first = now;
    Instant last = now;
    if (thrown instanceof RetriesExhaustedException x) {
      failure = x.lastFailure().withEventId(event.id());
      attempts = x.attempts();
      first = x.firstFailure();
      last = x.lastFailureTime();
    } else if (thrown instanceof ProcessingException pe) {
      failure = Result.failure(event.id(), Status.ERROR, pe.code(), pe.getMessage());
    } else {
      LOG.warn("processor '{}' failed on {}", name, event, thrown);
      failure = Result.failure(event.id(), Status.ERROR, "PROCESSOR_FAILED", "processor '" + name
          + "' failed: " + thrown.getClass().getSimpleName()
          + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()));
    }
    deadLetters.increment();
    LOG.warn("dead-lettered event {} of type {} from {}: processor '{}' failed {} time{}, last"
        + " with {} {}: {}", event.id(), event.type(), event.source(), name, attempts,
        attempts == 1 ? "" : "s", failure.status(), failure.errorCode().orElse(""),
        failure.errorMessage().orElse(""));
    return new DeadLetter(event, name, failure, attempts, first, last);
  }

  private void notStored(DeadLetter letter, Throwable cause) {
    LOG.error("the dead letter of event {} (source {}, type {}, processor '{}') could not be"
        + " stored: {}; it is kept only by a broker's dead-letter queue, if there is one",
        letter.event().id(), letter.event().source(), letter.event().type(), name,
        cause.toString());
  }
}
