package dev.sluice.transport.netty.internal;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;

/** One request of a client: the event, its deadline, and the future its caller holds. */
final class PendingRequest {
  /** How often a request not yet written may move to another connection after a GOAWAY. */
  static final int MAX_MOVES = 3;
  final Event event;
  final long deadlineNanos;
  final CompletableFuture<Result> future = new CompletableFuture<>();
  volatile Timeout timer;
  /** Set on the event loop when written; 0 before. */
  int correlationId;
  ClientConnection connection;
  /** Times it moved to another connection unwritten; changed by one thread at a time. */
  int moves;

  PendingRequest(Event event, long deadlineNanos) {
    this.event = event;
    this.deadlineNanos = deadlineNanos;
  }

  /** Completes once; later calls are ignored. */
  void complete(Result result) {
    if (future.complete(result)) {
      Timeout t = timer;
      if (t != null) {
        t.cancel();
      }
    }
  }

  void fail(Status status, String code, String message) {
    complete(Result.failure(event.id(), status, code, message));
  }

  boolean isDone() {
    return future.isDone();
  }

  /** Milliseconds left to the deadline, at least 1. */
  long remainingMillis() {
    return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }
}
