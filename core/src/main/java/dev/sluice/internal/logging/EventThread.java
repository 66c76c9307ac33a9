package dev.sluice.internal.logging;

import dev.sluice.event.Event;

/**
 * A dispatcher worker thread, which knows the event it is working on so that a log call made on
 * it can carry that event's id and type.
 *
 * <p>The event is a plain field that only this thread writes and reads: the worker sets it when
 * it takes an event (one store, no MDC call per event), and {@link LogbackEventMdc} copies it
 * into the SLF4J MDC only when something is actually logged.
 */
public final class EventThread extends Thread {
  private Event event;

  public EventThread(Runnable work, String name) {
    super(work, name);
    setDaemon(true);
  }

  /** This thread only: the event it works on, or null. */
  Event event() {
    return event;
  }

  /** This thread only: the event it works on from now, or null when it has none. */
  public void workingOn(Event event) {
    this.event = event;
  }
}
