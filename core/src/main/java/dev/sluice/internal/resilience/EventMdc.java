package dev.sluice.internal.resilience;

import dev.sluice.event.Event;
import org.slf4j.MDC;

/**
 * Puts the event's id and type in the SLF4J MDC for the length of a try block, and restores
 * what was there before. The lane does the same around blocking calls; this covers the calls
 * that start on other threads (asynchronous processors, retries after a backoff).
 */
public final class EventMdc implements AutoCloseable {
  /** MDC key of the event id. */
  public static final String ID = "event.id";
  /** MDC key of the event type. */
  public static final String TYPE = "event.type";

  private final String previousId;
  private final String previousType;

  private EventMdc(Event event) {
    previousId = MDC.get(ID);
    previousType = MDC.get(TYPE);
    MDC.put(ID, event.id());
    MDC.put(TYPE, event.type());
  }

  public static EventMdc open(Event event) {
    return new EventMdc(event);
  }

  @Override
  public void close() {
    restore(ID, previousId);
    restore(TYPE, previousType);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
