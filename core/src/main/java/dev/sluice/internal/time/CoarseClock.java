package dev.sluice.internal.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The wall clock in milliseconds, read from a field that one daemon thread
 * ({@code sluice-clock}) sets from the system clock every {@value #TICK_MILLIS} ms: reading it
 * is a volatile load where {@link System#currentTimeMillis()} is a call of about 20 ns
 * (measured on the 2-core benchmark machine).
 *
 * <p>Why: the path of one event read the wall clock three times for bookkeeping that needs no
 * better than a hundredth of a second (the time a completed result was stored, for its
 * retention of minutes, and two checks in each Micrometer timer's record of whether its windows
 * of a minute or more are due to rotate); at 300 000 events a second that was about 60 ns of
 * each event's 2.2 µs. Ticking every millisecond took 1.2 % of the server's CPU at that rate in
 * a profile (its wake-ups take a core from an event loop); every {@value #TICK_MILLIS} ms it
 * should take a tenth of that, busy or idle. (The dispatcher's watchdog keeps clocks of its own
 * for deadlines, per server; this one serves what may outlive a server, such as a registry.)
 *
 * <p>The time lags the system clock by up to {@value #TICK_MILLIS} ms, more when the host is
 * so loaded that the ticking thread waits for a core; it follows the system clock's jumps. For
 * durations, and for anything that needs the time to the millisecond (deadlines, leases), use
 * {@link System#nanoTime()} or the system clock, never this.
 */
public final class CoarseClock extends Clock {
  static final long TICK_MILLIS = 10;
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
  private static final CoarseClock UTC = new CoarseClock(ZoneOffset.UTC);
  private static volatile long millis = System.currentTimeMillis();

  static {
    // one per JVM: no thread locals or context loader inherited from whoever used it first
    Thread ticker = new Thread(null, CoarseClock::tick, "sluice-clock", 0, false);
    ticker.setContextClassLoader(null);
    ticker.setDaemon(true);
    ticker.start();
  }

  private final ZoneId zone;

  private CoarseClock(ZoneId zone) {
    this.zone = zone;
  }

  /** The coarse clock in UTC. Its thread starts with the first use. */
  public static CoarseClock utc() {
    return UTC;
  }

  private static void tick() {
    while (true) {
      millis = System.currentTimeMillis();
      // Nothing stops it: the clock is read for as long as the JVM runs. An interrupt is
      // cleared, or every park would return at once and the loop would spin on a core.
      Thread.interrupted();
      LockSupport.parkNanos(TICK_NANOS);
    }
  }

  /** The current time in milliseconds since the epoch, to within {@value #TICK_MILLIS} ms. */
  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return zone.equals(this.zone) ? this : new CoarseClock(zone);
  }

  @Override
  public String toString() {
    return "CoarseClock[" + zone + "]";
  }
}
