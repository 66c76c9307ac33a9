package dev.sluice.internal.time;

import io.micrometer.core.instrument.Clock;

/**
 * A Micrometer clock whose wall time is the {@link CoarseClock}'s (to within its tick) and whose
 * monotonic time is {@link System#nanoTime()}; see {@code SluiceServer.metricsClock()}.
 *
 * <p>Why: every record into a timer or distribution summary reads the registry's wall time
 * twice, to see whether its window of maxima and its histogram are due to rotate, and a server
 * records its processors' durations for every event. With the system clock that is about 40 ns
 * of every event; with this one two volatile loads. What reads the wall time (the rotation of
 * windows of a minute or more, a step registry's publishing, a meter's creation time) needs no
 * better. Durations ({@code Timer.start}, long task timers) use the monotonic time, which stays
 * exact.
 */
public final class MetricsClock implements Clock {
  private static final MetricsClock INSTANCE = new MetricsClock();
  private final CoarseClock wall = CoarseClock.utc();

  private MetricsClock() {
  }

  public static Clock get() {
    return INSTANCE;
  }

  @Override
  public long wallTime() {
    return wall.millis();
  }

  @Override
  public long monotonicTime() {
    return System.nanoTime();
  }
}
