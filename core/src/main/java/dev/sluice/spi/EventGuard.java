package dev.sluice.spi;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.util.Optional;

/**
 * Checks every event a source submits before it is dispatched or stored: input validation
 * (attribute limits, content types, JSON well-formedness, schemas) and authorization (which
 * roles may send which event types). The security module implements it.
 *
 * <p>A guard must be fast and bounded in time, never block, and be thread-safe. Events that
 * processors emit are not guarded.
 */
@FunctionalInterface
public interface EventGuard {

  /**
   * Empty when the event may be dispatched; otherwise the result to answer at once, with status
   * {@code INVALID} or {@code UNAUTHORIZED} and a message that says what was wrong.
   */
  Optional<Result> check(Event event, Delivery delivery);

  /** A guard that lets everything through. */
  static EventGuard allowAll() {
    return (event, delivery) -> Optional.empty();
  }
}
