package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code routes}: a fan-out of event types to several processors.
 *
 * @param types event types, exact or with a trailing wildcard
 * @param processors the configured processor names that receive each event
 * @param merge how their results become one
 * @param timeout the fan-out deadline; when absent, the longest timeout among its processors
 */
public record RouteConfig(List<String> types, List<String> processors, MergeMode merge,
    Optional<Duration> timeout) {
  public RouteConfig {
    types = List.copyOf(types);
    processors = List.copyOf(processors);
    Objects.requireNonNull(merge, "merge");
    Objects.requireNonNull(timeout, "timeout");
  }
}
