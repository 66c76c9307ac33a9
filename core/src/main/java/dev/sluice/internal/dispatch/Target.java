package dev.sluice.internal.dispatch;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.util.concurrent.CompletableFuture;

/** Where a routed event goes: one lane, or a fan-out over several. */
interface Target {
  CompletableFuture<Result> submit(Event event, long senderDeadlineNanos);

}
