package dev.sluice.internal.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.sluice.event.Event;
import org.slf4j.ILoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * A Logback turbo filter that runs before every log call and, on a worker thread whose logger
 * is enabled for the call's level, makes the MDC hold the worker's current event (or nothing
 * when it has none); on another thread, the event it runs inline, if any. It never filters anything out. It stays installed when the configuration
 * is reloaded: a reset removes turbo filters, and the listener adds it back.
 */
final class LogbackEventMdc extends TurboFilter implements LoggerContextListener {
  private final LoggerContext context;

  private LogbackEventMdc(LoggerContext context) {
    this.context = context;
    setName("sluice-event-mdc");
  }

  /** Installs the filter once per Logback context; true when it is in place. */
  static boolean install(ILoggerFactory factory) {
    if (!(factory instanceof LoggerContext)) {
      return false;
    }
    LoggerContext context = (LoggerContext) factory;
    synchronized (LogbackEventMdc.class) {
      for (LoggerContextListener listener : context.getCopyOfListenerList()) {
        if (listener instanceof LogbackEventMdc) {
          return true;
        }
      }
      LogbackEventMdc filter = new LogbackEventMdc(context);
      filter.start();
      context.addTurboFilter(filter);
      context.addListener(filter);
    }
    return true;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format,
      Object[] params, Throwable t) {
    if (logger == null
        || level != null && !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    Thread thread = Thread.currentThread();
    if (thread instanceof EventThread) {
      sync(((EventThread) thread).event());
    } else {
      // a thread running an event inline; any other thread's MDC is left as it is
      EventMdc.InlineSlot slot = EventMdc.inlineSlot();
      if (slot.event != null) {
        sync(slot.event);
        slot.mdcSet = true;
      }
    }
    return FilterReply.NEUTRAL;
  }

  private static void sync(Event event) {
    if (event == null) {
      if (MDC.get(EventMdc.ID) != null) {
        EventMdc.clear();
      }
    } else if (!event.id().equals(MDC.get(EventMdc.ID))
        || !event.type().equals(MDC.get(EventMdc.TYPE))) {
      EventMdc.put(event);
    }
  }

  @Override
  public boolean isResetResistant() {
    return true;
  }

  @Override
  public void onReset(LoggerContext reset) {
    if (reset == context && !reset.getTurboFilterList().contains(this)) {
      reset.addTurboFilter(this);
    }
  }

  @Override
  public void onStart(LoggerContext started) {
    // nothing to do: the filter is added when installed, and again after each reset
  }

  @Override
  public void onStop(LoggerContext stopped) {
    // nothing to do
  }

  @Override
  public void onLevelChange(Logger logger, Level level) {
    // levels are read per call
  }
}
