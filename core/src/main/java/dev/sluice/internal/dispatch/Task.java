package dev.sluice.internal.dispatch;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventProcessor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * One accepted event on its way through a lane, and the future its sender waits on (one object
 * per event instead of two). It completes exactly once: with the processor's result, or first
 * with TIMEOUT or UNAVAILABLE (abandoned), whichever wins. {@link #finish} and {@link #fail}
 * count the result in the lane's metrics; a worker or an inline call that completes it with
 * {@link #settle} counts it in its own thread's counts.
 */
final class Task extends CompletableFuture<Result> {
  private static final VarHandle STARTED;

  static {
    try {
      STARTED = MethodHandles.lookup().findVarHandle(Task.class, "startedNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final ProcessorLane lane;
  final Event event;
  /** Absolute {@link System#nanoTime()} after which the sender no longer waits. */
  final long senderDeadlineNanos;
  /**
   * Set when a worker starts processing ({@link #markStarted}); 0 while queued. For a blocking
   * processor it is the dispatcher's {@link TickClock} at the start, which may be up to a tick
   * earlier than the real start; for an asynchronous one, the exact time.
   */
  volatile long startedNanos;
  /**
   * The moment the processing timeout counts from, never before the real start: for a blocking
   * processor, the watchdog's reading when it first saw the task running; for an asynchronous
   * one, the exact start. 0 until then. Written by one thread, read by the watchdog.
   */
  long timeoutFromNanos;
  /** For async processors: the stage to cancel on timeout. */
  volatile CompletableFuture<?> asyncStage;
  /**
   * What a worker calls instead of the lane's processor: the rest of an event whose first
   * attempt ran inline ({@link #handOff}); null otherwise. Published by the queue.
   */
  EventProcessor rest;

  Task(ProcessorLane lane, Event event, long senderDeadlineNanos) {
    this.lane = lane;
    this.event = event;
    this.senderDeadlineNanos = senderDeadlineNanos;
  }

  /**
   * Worker thread: records the start (never 0). A release store: the watchdog reads it after it
   * read the worker's current task, which was published before, so no full fence is needed.
   */
  void markStarted(long nanos) {
    STARTED.setRelease(this, nanos | 1L);
  }

  /**
   * The first attempt ran inline and {@code rest} is left for a worker: the task is queued
   * again as not started, so the queue's deadline checks see it.
   */
  void handOff(EventProcessor rest) {
    this.rest = rest;
    STARTED.setRelease(this, 0L);
  }

  /** Completes unless already complete and counts it in the lane's meters; true if it did. */
  boolean finish(Result result) {
    return finish(result, System.nanoTime());
  }

  /** As {@link #finish(Result)}, for a caller that has just read the clock. */
  boolean finish(Result result, long nowNanos) {
    if (!settle(result)) {
      return false;
    }
    lane.recorded(this, result, nowNanos);
    return true;
  }

  /**
   * Completes unless already complete, without counting it; true if this call completed it. For
   * a worker or an inline call, which counts what it answers in its own thread's counts.
   */
  boolean settle(Result result) {
    return !isDone() && complete(result);
  }

  /** Completes with a failure unless already complete; true if this call completed it. */
  boolean fail(Status status, String code, String message) {
    return !isDone() && finish(Result.failure(event.id(), status, code, message));
  }

  /** Cancels processing when completed early (timeout, fan-out winner, abandonment). */
  void interruptIfRunning() {
    lane.interruptIfRunning(this);
    CompletableFuture<?> stage = asyncStage;
    if (stage != null) {
      stage.cancel(true);
    }
  }
}
