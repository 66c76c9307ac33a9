package dev.sluice.internal.logging;

import dev.sluice.event.Event;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The MDC keys {@code event.id} and {@code event.type} in everything logged while an event is
 * processed, at no cost per event when nothing is logged.
 *
 * <p>With Logback (the server's logging) a turbo filter copies the worker's current event into
 * the MDC at the moment a log call is made on a worker thread ({@link LogbackEventMdc}). With
 * any other SLF4J provider {@link #lazy()} is false and the lane puts the keys for every event
 * instead. Calls that start on other threads (asynchronous processors, retries after a backoff)
 * put them around the call with {@link #open}. A processor that runs inline, on the thread that
 * delivered the event, is bracketed by {@link #inline} and {@link #inlineDone}: under Logback the
 * filter then copies the keys from a thread-local slot, again only when something is logged.
 */
public final class EventMdc implements AutoCloseable {
  /** MDC key of the event id. */
  public static final String ID = "event.id";
  /** MDC key of the event type. */
  public static final String TYPE = "event.type";

  private static final boolean LAZY = installLazy();
  /** The event a thread that is not a worker runs inline, for the Logback filter. */
  private static final ThreadLocal<InlineSlot> INLINE = ThreadLocal.withInitial(InlineSlot::new);

  private final String previousId;
  private final String previousType;

  private EventMdc(Event event) {
    previousId = MDC.get(ID);
    previousType = MDC.get(TYPE);
    put(event);
  }

  /** Puts the event's keys until {@link #close}, which restores what was there before. */
  public static EventMdc open(Event event) {
    return new EventMdc(event);
  }

  /**
   * True when log calls on worker threads get the keys by themselves (Logback), so a worker
   * only has to say which event it works on ({@link EventThread#workingOn}).
   */
  public static boolean lazy() {
    return LAZY;
  }

  /** Puts the keys of {@code event} on the current thread. */
  public static void put(Event event) {
    MDC.put(ID, event.id());
    MDC.put(TYPE, event.type());
  }

  /** Removes both keys from the current thread. */
  public static void clear() {
    MDC.remove(ID);
    MDC.remove(TYPE);
  }

  /**
   * The current thread runs {@code event} inline until {@link #inlineDone}: what it logs
   * meanwhile carries the event's keys.
   *
   * @return what to hand to {@link #inlineDone}: the event a worker thread was working on
   */
  public static Event inline(Event event) {
    Thread thread = Thread.currentThread();
    if (thread instanceof EventThread worker) {
      Event outer = worker.event();
      worker.workingOn(event);
      return outer;
    }
    if (LAZY) {
      INLINE.get().event = event;
    } else {
      put(event);
    }
    return null;
  }

  /** Ends {@link #inline}; {@code outer} is what it returned. */
  public static void inlineDone(Event outer) {
    Thread thread = Thread.currentThread();
    if (thread instanceof EventThread worker) {
      worker.workingOn(outer);
      return;
    }
    if (LAZY) {
      InlineSlot slot = INLINE.get();
      slot.event = null;
      if (slot.mdcSet) {
        slot.mdcSet = false;
        clear();
      }
    } else {
      clear();
    }
  }

  /** For the Logback filter: the slot of a thread that may be running an event inline. */
  static InlineSlot inlineSlot() {
    return INLINE.get();
  }

  /** What a thread that is not a worker runs inline, and whether the filter put MDC keys. */
  static final class InlineSlot {
    Event event;
    boolean mdcSet;
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

  private static boolean installLazy() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    // compare by name: Logback's classes are loaded only when Logback is the provider
    if (!factory.getClass().getName().equals("ch.qos.logback.classic.LoggerContext")) {
      return false;
    }
    try {
      return LogbackEventMdc.install(factory);
    } catch (LinkageError e) {
      return false; // a Logback without the classes this needs: put the keys per event
    }
  }
}
