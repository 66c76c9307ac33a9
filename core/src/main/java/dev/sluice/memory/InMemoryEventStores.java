package dev.sluice.memory;

import dev.sluice.internal.services.InMemoryEventStore;
import dev.sluice.internal.time.CoarseClock;
import dev.sluice.spi.EventStore;
import java.time.Duration;

/**
 * The event store a server uses when none is configured, for stores that keep idempotency in
 * memory and want the same rules: each completed result is remembered for {@code retention}, the
 * newest {@code maxEntries} at least (oldest forgotten first, and each of up to four threads that
 * complete events keeps that many of its own); nothing survives a restart. The retention is
 * kept to within about 10 ms: the store reads the time from a field that a thread sets every
 * 10 ms, not from the system clock for each event.
 */
public final class InMemoryEventStores {
  private InMemoryEventStores() {
  }

  public static EventStore create(Duration retention, int maxEntries) {
    if (retention.isNegative() || retention.isZero() || maxEntries < 1) {
      throw new IllegalArgumentException("an in-memory event store needs a positive retention"
          + " and at least one entry; got " + retention + " and " + maxEntries);
    }
    return new InMemoryEventStore(CoarseClock.utc(), retention.toMillis(), maxEntries);
  }
}
