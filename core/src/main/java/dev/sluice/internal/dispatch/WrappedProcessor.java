package dev.sluice.internal.dispatch;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessorContext;

/**
 * A processor the engine wrapped in decorators (retry, circuit breaker, dead letter). The lane
 * runs calls with the plugin's class loader, not the decorators', asks before queueing an event
 * whether it must be refused at once (an open circuit breaker), and, when it runs inline, makes
 * the first attempt through {@link #firstAttempt}.
 */
public interface WrappedProcessor {

  /** The plugin's own processor, whose class loader is the context class loader of each call. */
  EventProcessor plugin();

  /** The result to answer at once instead of queueing {@code event}, or null to queue it. */
  Result refuse(Event event);

  /**
   * Makes the event's first attempt on the calling thread, for a lane that runs inline. It
   * returns the result when that attempt settles the event (a success, or a failure that is
   * neither retried nor dead-lettered), and otherwise the rest of the processing, which waits
   * (a backoff, a store write) and so must run on a worker; it never sleeps or writes to the
   * store itself. A synchronous processor only.
   *
   * @param startNanos {@link System#nanoTime()} when the lane started the call: the attempt's
   *     timers count from it instead of reading the clock again
   */
  InlineAttempt firstAttempt(Event event, ProcessorContext context, long startNanos);
}
