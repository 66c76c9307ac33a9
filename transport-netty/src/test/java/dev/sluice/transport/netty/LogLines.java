package dev.sluice.transport.netty;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines one logger logs while this is open, as a user would read them in the log. */
final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogLines(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /** The logger's name, as the log shows it (such as {@code dev.sluice.transport.netty}). */
  static LogLines of(String loggerName) {
    return new LogLines(loggerName);
  }

  /** The formatted messages logged at WARN or above. */
  List<String> warnings() {
    return atLeast(Level.WARN);
  }

  /** The formatted messages logged at INFO or above. */
  List<String> infos() {
    return atLeast(Level.INFO);
  }

  private List<String> atLeast(Level level) {
    synchronized (appender) { // AppenderBase appends under the appender's monitor
      return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
          .map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
