package dev.sluice.cli.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The few things the command line does to logging itself. */
public final class Logging {
  /** The variable that sets the log level, read by {@code conf/logback.xml} too. */
  public static final String LEVEL_VARIABLE = "SLUICE_LOG_LEVEL";

  private Logging() {
  }

  /**
   * For the client commands ({@code send}, {@code bench}, ...): only warnings and errors, so that
   * their own output stands out, unless {@value #LEVEL_VARIABLE} asks for more.
   */
  public static void quietUnlessAsked(Map<String, String> environment) {
    if (environment.containsKey(LEVEL_VARIABLE)) {
      return;
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext) {
      ((LoggerContext) factory).getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
    }
  }

  /** Flushes and stops the logging backend, so that nothing logged is lost at exit. */
  public static void flush() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext) {
      ((LoggerContext) factory).stop();
    }
  }
}
