package dev.sluice.internal.resilience;

import dev.sluice.config.RetryPolicy;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.internal.logging.EventMdc;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.ProcessorContext;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries retryable failures with exponential backoff and jitter (resilience4j's
 * {@link IntervalFunction#ofExponentialRandomBackoff}), within the event's deadline.
 *
 * <p>Retryable: a thrown {@link ProcessingException#isRetryable() retryable ProcessingException},
 * or a returned result with a retryable status other than an open breaker's refusal (retrying
 * into an open breaker only burns the backoff). Anything else ends the call at once. When the
 * attempts are used up, or the next wait would end after {@link ProcessorContext#deadline()},
 * it throws {@link RetriesExhaustedException} with the last failure.
 *
 * <p>This is not resilience4j's {@code Retry}: that one cannot see each event's deadline, and a
 * retry the sender will not wait for only takes a worker from the next event. Blocking
 * processors wait on their worker thread, so a lane timeout interrupts the wait; asynchronous
 * ones wait on the scheduler, and since cancelling the lane's stage does not reach back here, an
 * asynchronous call a fan-out no longer wants is retried at most until its deadline.
 */
final class RetryingProcessor extends ProcessorDecorator {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingProcessor.class);

  /** How the blocking path waits; a test replaces it to run without the wall clock. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final String name;
  private final RetryPolicy policy;
  private final IntervalFunction backoff;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ScheduledExecutorService scheduler;
  private final Counter retries;

  RetryingProcessor(EventProcessor delegate, String name, RetryPolicy policy, Clock clock,
      Sleeper sleeper, ScheduledExecutorService scheduler, Counter retries) {
    super(delegate);
    this.name = name;
    this.policy = policy;
    this.backoff = IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(),
        policy.multiplier(), policy.jitter(), policy.maxBackoff());
    this.clock = clock;
    this.sleeper = sleeper;
    this.scheduler = scheduler;
    this.retries = retries;
  }

  @Override
  public Result process(Event event, ProcessorContext context) throws Exception {
    return attemptsFrom(1, null, event, context);
  }

  /**
   * The retries after a first attempt made elsewhere (on the thread that delivered the event)
   * that returned the retryable result {@code failed} or threw {@code thrown}; on this thread.
   * A failure that is not retried is thrown, as {@link #process} would have.
   */
  Result afterFirstAttempt(Event event, ProcessorContext context, Result failed,
      Exception thrown) throws Exception {
    Result failure = failed;
    ProcessingException retryable = null;
    if (thrown != null) {
      if (!(thrown instanceof ProcessingException pe) || !pe.isRetryable()) {
        throw thrown;
      }
      retryable = pe;
      failure = failureOf(event, pe);
    }
    Instant first = clock.instant();
    backOff(event, context, 1, first, first, failure, retryable);
    return attemptsFrom(2, first, event, context);
  }

  private Result attemptsFrom(int from, Instant firstFailure, Event event,
      ProcessorContext context) throws Exception {
    Instant first = firstFailure;
    for (int attempt = from; ; attempt++) {
      Result failed;
      ProcessingException thrown = null;
      try {
        Result result = delegate.process(event, context);
        if (!isRetryable(result)) {
          return result;
        }
        failed = result;
      } catch (ProcessingException e) {
        if (!e.isRetryable()) {
          throw e;
        }
        thrown = e;
        failed = failureOf(event, e);
      }
      Instant now = clock.instant();
      first = first == null ? now : first;
      backOff(event, context, attempt, first, now, failed, thrown);
    }
  }

  /** The failed result a retryable throw stands for, in logs and in the final failure. */
  private static Result failureOf(Event event, ProcessingException thrown) {
    return Result.failure(event.id(), Status.ERROR, thrown.code(), thrown.getMessage());
  }

  /** Waits before the attempt after {@code attempt}, or throws when there is none. */
  private void backOff(Event event, ProcessorContext context, int attempt, Instant first,
      Instant now, Result failed, ProcessingException thrown) throws Exception {
    Duration wait = nextWait(attempt, now, context.deadline());
    if (wait == null) {
      throw new RetriesExhaustedException(failed, attempt, first, now, thrown);
    }
    logRetry(event, attempt, failed, wait);
    retries.increment();
    sleeper.sleep(wait);
  }

  @Override
  public CompletionStage<Result> processAsync(Event event, ProcessorContext context) {
    CompletableFuture<Result> out = new CompletableFuture<>();
    attempt(event, context, 1, null, out);
    return out;
  }

  private void attempt(Event event, ProcessorContext context, int attempt, Instant first,
      CompletableFuture<Result> out) {
    delegateAsync(event, context).whenComplete((result, t) -> {
      Throwable cause = t == null ? null : unwrap(t);
      Result failed;
      if (cause == null) {
        if (!isRetryable(result)) {
          out.complete(result);
          return;
        }
        failed = result;
      } else if (cause instanceof ProcessingException pe && pe.isRetryable()) {
        failed = Result.failure(event.id(), Status.ERROR, pe.code(), pe.getMessage());
      } else {
        out.completeExceptionally(cause);
        return;
      }
      Instant now = clock.instant();
      Instant firstFailure = first == null ? now : first;
      Duration wait = nextWait(attempt, now, context.deadline());
      if (wait == null) {
        out.completeExceptionally(
            new RetriesExhaustedException(failed, attempt, firstFailure, now, cause));
        return;
      }
      logRetry(event, attempt, failed, wait);
      retries.increment();
      scheduler.schedule(() -> {
        try (EventMdc mdc = EventMdc.open(event)) {
          attempt(event, context, attempt + 1, firstFailure, out);
        }
      }, wait.toNanos(), TimeUnit.NANOSECONDS);
    });
  }

  /** The wait before the next attempt, or null when there is none. */
  private Duration nextWait(int attempt, Instant now, Instant deadline) {
    if (attempt >= policy.maxAttempts()) {
      return null;
    }
    Duration wait = Duration.ofMillis(backoff.apply(attempt));
    // a retry the sender would not wait for is not made: answer the last failure instead
    return now.plus(wait).isBefore(deadline) ? wait : null;
  }

  private void logRetry(Event event, int attempt, Result failed, Duration wait) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("processor '{}' attempt {} of {} failed on event {} ({} {}); retrying in {}ms",
          name, attempt, policy.maxAttempts(), event.id(), failed.status(),
          failed.errorCode().orElse(""), wait.toMillis());
    }
  }

  static boolean isRetryable(Result result) {
    return result != null && !result.isOk() && result.status().isRetryable()
        && !CircuitBreakingProcessor.CODE.equals(result.errorCode().orElse(null));
  }
}
