package dev.sluice.engine;

import dev.sluice.internal.time.CoarseClock;
import io.micrometer.core.instrument.Clock;

/**
 * The clock to build a {@link io.micrometer.core.instrument.MeterRegistry} for a Sluice server
 * with: its wall time is read, to within 10 ms, from a field that a daemon thread keeps current;
 * its monotonic time is {@link System#nanoTime()}.
 *
 * <p>Why: every record into a timer or distribution summary reads the registry's wall time
 * twice, to see whether its window of maxima and its histogram are due to rotate, and a server
 * records its processors' durations for every event. With the system clock that is about 40 ns
 * of every event; with this one two volatile loads. What reads the wall time (the rotation of
 * windows of a minute or more, a step registry's publishing) needs no better. The server's own
 * registry, {@code AdminServer.newRegistry()}, uses it.
 */
public final class MetricsClock implements Clock {
  private static final MetricsClock INSTANCE = new MetricsClock();

  private MetricsClock() {
  }

  /** The clock. Its thread starts with the first use. */
  public static Clock get() {
    return INSTANCE;
  }

  @Override
  public long wallTime() {
    return CoarseClock.currentMillis();
  }

  @Override
  public long monotonicTime() {
    return System.nanoTime();
  }
}
