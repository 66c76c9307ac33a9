package dev.sluice.cli.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes SIGTERM and SIGINT to an action instead of letting them start the JVM's shutdown, so
 * that {@code sluice serve} can drain and then exit with 0.
 */
public final class SignalTrap {
  private static final Logger LOG = LoggerFactory.getLogger(SignalTrap.class);

  private SignalTrap() {
  }

  /**
   * Runs {@code action} on SIGTERM and SIGINT. Where signals cannot be handled (a JVM without
   * {@code sun.misc.Signal}, or one started with {@code -Xrs}), the shutdown hook remains the
   * way to stop, and the exit code is then the JVM's.
   */
  public static void onTermination(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        // sun.misc.Signal is the JDK's supported-but-unofficial hook (module jdk.unsupported);
        // there is no public API that lets a program both handle SIGTERM and choose its exit code.
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
          LOG.info("received SIG{}", name);
          action.run();
        });
      } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
        LOG.debug("cannot handle SIG{}; relying on the shutdown hook", name, e);
      }
    }
  }
}
