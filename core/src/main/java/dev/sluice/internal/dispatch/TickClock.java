package dev.sluice.internal.dispatch;

/**
 * {@link System#nanoTime()} as the watchdog last read it (every tick), so the workers can
 * stamp an event's start and check its deadline without reading the clock per event. It lags
 * the real time by up to a tick when the watchdog runs on time. Everything that needs the exact
 * time (timeouts, the latency timer) reads the real clock instead.
 */
final class TickClock {
  private volatile long nanos = System.nanoTime();

  long nanos() {
    return nanos;
  }

  /** Watchdog only. */
  void tick(long now) {
    nanos = now;
  }
}
