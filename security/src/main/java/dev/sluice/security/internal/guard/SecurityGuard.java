package dev.sluice.security.internal.guard;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventGuard;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;

/**
 * Validation and authorization in the order that wastes least on a hostile event: attributes
 * (cheap, and the type must be well-formed before rules look at it), then the caller's right to
 * send the type (so nobody can make the server parse data of a type they may not send), then
 * the data (size, content type, encoding, JSON, schema). Each refusal is counted in
 * {@code sluice.security.refusals} by status and code.
 */
public final class SecurityGuard implements EventGuard {
  private final EventValidator validator;
  private final AccessRules access;
  private final MeterRegistry metrics;

  public SecurityGuard(EventValidator validator, AccessRules access, MeterRegistry metrics) {
    this.validator = validator;
    this.access = access;
    this.metrics = metrics;
  }

  @Override
  public Optional<Result> check(Event event, Delivery delivery) {
    // in turn, without a lambda per step: this runs for every event
    Optional<Result> refusal = validator.checkAttributes(event);
    if (refusal.isEmpty()) {
      refusal = access.check(event, delivery);
    }
    if (refusal.isEmpty()) {
      refusal = validator.checkData(event);
    }
    if (refusal.isPresent()) {
      Result r = refusal.get();
      metrics.counter("sluice.security.refusals", "status", r.status().name(), "code",
          r.errorCode().orElse("")).increment();
    }
    return refusal;
  }
}
