package dev.sluice.security.internal.guard;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventGuard;
import java.util.Optional;

/**
 * Validation and authorization in the order that wastes least on a hostile event: attributes
 * (cheap, and the type must be well-formed before rules look at it), then the caller's right to
 * send the type (so nobody can make the server parse data of a type they may not send), then
 * the data (size, content type, encoding, JSON, schema).
 */
public final class SecurityGuard implements EventGuard {
  private final EventValidator validator;
  private final AccessRules access;

  public SecurityGuard(EventValidator validator, AccessRules access) {
    this.validator = validator;
    this.access = access;
  }

  @Override
  public Optional<Result> check(Event event, Delivery delivery) {
    return validator.checkAttributes(event)
        .or(() -> access.check(event, delivery))
        .or(() -> validator.checkData(event));
  }
}
