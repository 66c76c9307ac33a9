package dev.sluice.internal.dispatch;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;

/**
 * A processor the engine wrapped in decorators (retry, circuit breaker, dead letter). The lane
 * runs calls with the plugin's class loader, not the decorators', and asks before queueing an
 * event whether it must be refused at once (an open circuit breaker).
 */
public interface WrappedProcessor {

  /** The plugin's own processor, whose class loader is the context class loader of each call. */
  EventProcessor plugin();

  /** The result to answer at once instead of queueing {@code event}, or null to queue it. */
  Result refuse(Event event);
}
