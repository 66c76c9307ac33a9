package dev.sluice.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a running {@code sluice serve} is told to stop, and how it says it is ready and stopped.
 * {@link #onSignals()} stops on SIGTERM and SIGINT (Ctrl-C); {@link #manual()} only when
 * {@link #requestStop()} is called, for tests and embedding.
 *
 * <p>Thread-safe. One instance serves one {@code serve} run.
 */
public final class ServeControl {
  private static final Logger LOG = LoggerFactory.getLogger(ServeControl.class);

  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final boolean signals;

  private ServeControl(boolean signals) {
    this.signals = signals;
  }

  /** Stopped by SIGTERM, SIGINT, or the JVM shutting down for any other reason. */
  public static ServeControl onSignals() {
    return new ServeControl(true);
  }

  /** Stopped only by {@link #requestStop()}. */
  public static ServeControl manual() {
    return new ServeControl(false);
  }

  /**
   * Called by {@code serve} before it starts: installs the signal handlers, and a shutdown hook
   * that, when the JVM exits for another reason, stops the server and waits for the drain.
   *
   * @param drainDeadlineMillis how long the hook waits for {@code serve} to finish stopping
   */
  public void install(long drainDeadlineMillis) {
    if (!signals) {
      return;
    }
    // Handling TERM and INT ourselves (instead of only in a shutdown hook) lets serve drain and
    // then exit with 0; a JVM that exits because of the signal would report 143 or 130.
    dev.sluice.cli.internal.SignalTrap.onTermination(this::requestStop);
    Thread hook = new Thread(() -> {
      requestStop();
      awaitStopped(drainDeadlineMillis + 5_000);
    }, "sluice-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Asks {@code serve} to drain and stop; returns at once. Idempotent. */
  public void requestStop() {
    if (stopRequested.getCount() > 0) {
      LOG.info("stop requested");
      stopRequested.countDown();
    }
  }

  /** Blocks until a stop is requested. */
  public void awaitStopRequest() throws InterruptedException {
    stopRequested.await();
  }

  /** Called by {@code serve} once the server is ready. */
  public void markReady() {
    ready.countDown();
  }

  /** Called by {@code serve} when it has stopped (or failed to start). */
  public void markStopped() {
    ready.countDown();
    stopped.countDown();
  }

  /** Waits until the server is ready or {@code serve} ended; true if it is running. */
  public boolean awaitReady(long timeoutMillis) throws InterruptedException {
    return ready.await(timeoutMillis, TimeUnit.MILLISECONDS) && stopped.getCount() > 0;
  }

  /** Waits until {@code serve} has stopped; true if it did within the time. */
  public boolean awaitStopped(long timeoutMillis) {
    try {
      return stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
