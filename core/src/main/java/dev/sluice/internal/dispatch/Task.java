package dev.sluice.internal.dispatch;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import java.util.concurrent.CompletableFuture;

/**
 * One accepted event on its way through a lane. Its future completes exactly once: with the
 * processor's result, or first with TIMEOUT or UNAVAILABLE (abandoned), whichever wins.
 */
final class Task {
  final ProcessorLane lane;
  final Event event;
  /** Absolute {@link System#nanoTime()} after which the sender no longer waits. */
  final long senderDeadlineNanos;
  final CompletableFuture<Result> future = new CompletableFuture<>();
  /** Set when a worker starts processing; 0 while queued. */
  volatile long startedNanos;
  /** The worker running it, so a timeout can interrupt exactly this task's thread. */
  volatile Worker worker;
  /** For async processors: the stage to cancel on timeout. */
  volatile CompletableFuture<?> asyncStage;

  Task(ProcessorLane lane, Event event, long senderDeadlineNanos) {
    this.lane = lane;
    this.event = event;
    this.senderDeadlineNanos = senderDeadlineNanos;
  }

  boolean isDone() {
    return future.isDone();
  }

  /** Completes unless already complete; true if this call completed it. */
  boolean complete(Result result) {
    if (future.isDone() || !future.complete(result)) {
      return false;
    }
    lane.recorded(this, result);
    return true;
  }

  /** Completes with a failure unless already complete; true if this call completed it. */
  boolean fail(Status status, String code, String message) {
    return !future.isDone() && complete(Result.failure(event.id(), status, code, message));
  }

  /** Cancels processing when completed early (timeout, fan-out winner, abandonment). */
  void interruptIfRunning() {
    Worker w = worker;
    if (w != null) {
      w.interruptIfRunning(this);
    }
    CompletableFuture<?> stage = asyncStage;
    if (stage != null) {
      stage.cancel(true);
    }
  }
}
