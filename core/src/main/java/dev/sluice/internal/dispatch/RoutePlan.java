package dev.sluice.internal.dispatch;

import dev.sluice.config.MergeMode;
import java.time.Duration;
import java.util.List;

/** The processors an event-type pattern goes to, and for a fan-out how and within what time. */
public record RoutePlan(String pattern, List<String> processors, MergeMode merge,
    Duration timeout) {
  public RoutePlan {
    processors = List.copyOf(processors);
  }
}
