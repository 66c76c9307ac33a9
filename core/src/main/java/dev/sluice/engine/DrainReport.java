package dev.sluice.engine;

import java.time.Duration;
import java.util.List;

/**
 * What a graceful stop achieved: how many in-flight events finished, which were abandoned at the
 * deadline (their senders got {@code UNAVAILABLE}), and how long it took.
 */
public record DrainReport(long completed, List<String> abandonedEventIds, Duration took) {
  public DrainReport {
    abandonedEventIds = List.copyOf(abandonedEventIds);
  }

  public boolean isClean() {
    return abandonedEventIds.isEmpty();
  }
}
