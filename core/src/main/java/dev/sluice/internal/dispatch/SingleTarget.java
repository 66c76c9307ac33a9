package dev.sluice.internal.dispatch;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.util.concurrent.CompletableFuture;

/** An event type handled by one processor. */
final class SingleTarget implements Target {
  private final ProcessorLane lane;

  SingleTarget(ProcessorLane lane) {
    this.lane = lane;
  }

  @Override
  public CompletableFuture<Result> submit(Event event, long senderDeadlineNanos) {
    return lane.submit(event, senderDeadlineNanos);
  }

  @Override
  public String toString() {
    return lane.name();
  }
}
