package dev.sluice.internal.resilience;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.ProcessorContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Calls the processor through its circuit breaker. A call fails, for the breaker, when the
 * processor throws a retryable {@link ProcessingException} or any other exception, or returns a
 * retryable status; a non-retryable {@link ProcessingException} or error result is the event's
 * fault, not the processor's, and counts as a success. While the breaker is open, events are
 * answered {@code UNAVAILABLE} with code {@value #CODE} without calling the processor.
 */
final class CircuitBreakingProcessor extends ProcessorDecorator {
  /** The code of a refusal by an open breaker. */
  static final String CODE = "CIRCUIT_OPEN";

  private final String name;
  private final Breaker breaker;

  CircuitBreakingProcessor(EventProcessor delegate, String name, Breaker breaker) {
    super(delegate);
    this.name = name;
    this.breaker = breaker;
  }

  /** The refusal while the breaker is open, or null; acquires nothing. */
  Result refuse(Event event) {
    return Breakers.isOpen(breaker.circuitBreaker()) ? refusal(event) : null;
  }

  @Override
  public Result process(Event event, ProcessorContext context) throws Exception {
    if (!breaker.tryAcquirePermission()) {
      return refusal(event);
    }
    long start = System.nanoTime();
    Result result;
    try {
      result = delegate.process(event, context);
    } catch (Exception | Error e) {
      if (cutShort(e, context)) {
        breaker.releasePermission();
      } else {
        record(System.nanoTime() - start, null, e);
      }
      throw e;
    }
    record(System.nanoTime() - start, result, null);
    return result;
  }

  /**
   * One call, as {@link #process}, timed from {@code startNanos} (read by the caller just
   * before) and ended by one clock read, which the outcome carries so the caller's timers
   * need not read the clock again. A throw is in the outcome too, except an {@link Error}.
   */
  Attempt attempt(Event event, ProcessorContext context, long startNanos) {
    if (!breaker.tryAcquirePermission()) {
      return new Attempt(refusal(event), null, startNanos);
    }
    Result result;
    try {
      result = delegate.process(event, context);
    } catch (Exception | Error e) {
      long end = System.nanoTime();
      if (cutShort(e, context)) {
        breaker.releasePermission();
      } else {
        record(end - startNanos, null, e);
      }
      if (e instanceof Error error) {
        throw error;
      }
      return new Attempt(null, (Exception) e, end);
    }
    long end = System.nanoTime();
    record(end - startNanos, result, null);
    return new Attempt(result, null, end);
  }

  /** What {@link #attempt} came to: a result or a throw, and when the call ended. */
  record Attempt(Result result, Exception thrown, long endNanos) {
  }

  /**
   * A call interrupted or cancelled before its deadline was cut short by the engine (a fan-out
   * that has its answer, a stopping server), which says nothing about the processor's health;
   * one interrupted at its deadline was too slow, which does.
   */
  private static boolean cutShort(Throwable t, ProcessorContext context) {
    boolean interrupted = t instanceof InterruptedException
        || t instanceof java.util.concurrent.CancellationException
        || Thread.currentThread().isInterrupted();
    return interrupted && java.time.Instant.now().isBefore(context.deadline());
  }

  @Override
  public CompletionStage<Result> processAsync(Event event, ProcessorContext context) {
    if (!breaker.tryAcquirePermission()) {
      return CompletableFuture.completedFuture(refusal(event));
    }
    long start = System.nanoTime();
    return delegateAsync(event, context).whenComplete((r, t) -> {
      Throwable cause = unwrapOrNull(t);
      if (cause != null && cutShort(cause, context)) {
        breaker.releasePermission();
      } else {
        record(System.nanoTime() - start, r, cause);
      }
    });
  }

  private static Throwable unwrapOrNull(Throwable t) {
    return t == null ? null : unwrap(t);
  }

  private void record(long took, Result result, Throwable thrown) {
    if (isFailure(result, thrown)) {
      breaker.onError(took, thrown != null ? thrown : new FailedResult(result));
    } else {
      breaker.onSuccess(took);
    }
  }

  static boolean isFailure(Result result, Throwable thrown) {
    if (thrown != null) {
      return !(thrown instanceof ProcessingException pe) || pe.isRetryable();
    }
    return result == null || (!result.isOk() && result.status().isRetryable());
  }

  private Result refusal(Event event) {
    CircuitBreaker breaker = this.breaker.circuitBreaker();
    return Result.failure(event.id(), Status.UNAVAILABLE, CODE, "processor '" + name
        + "' is failing and its circuit breaker is " + Breakers.stateName(breaker) + " ("
        + Breakers.describe(breaker) + "); its events are refused for up to "
        + Breakers.waitInOpen(breaker).toMillis() + "ms, retry later");
  }

  /** What the breaker records for a failed result; no stack trace, it is not an error here. */
  static final class FailedResult extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FailedResult(Result result) {
      super(result.status() + " " + result.errorCode().orElse("") + ": "
          + result.errorMessage().orElse(""), null, false, false);
    }
  }
}
