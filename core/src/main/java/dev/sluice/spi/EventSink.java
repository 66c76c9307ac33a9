package dev.sluice.spi;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.util.concurrent.CompletionStage;

/**
 * Where a source hands its events: the engine's dispatcher.
 *
 * <p>{@code submit} never blocks and never throws: an event that cannot be accepted completes at
 * once with {@code OVERLOADED}, {@code REJECTED}, {@code INVALID}, {@code UNAUTHORIZED} or
 * {@code UNAVAILABLE}. An accepted event's stage completes exactly once, with the processor's
 * result or with {@code TIMEOUT} at the delivery's deadline; nothing accepted is dropped.
 */
@FunctionalInterface
public interface EventSink {
  CompletionStage<Result> submit(Event event, Delivery delivery);
}
