package dev.sluice.config;

import java.util.Objects;

/**
 * The {@code resilience} section: how the server guards its outbound dependencies. Processors
 * have their own {@code retry} and {@code circuit-breaker} sections.
 *
 * @param store calls to the event store
 * @param outbound calls to other dependencies, such as a broker publisher, unless they are
 *     configured otherwise
 */
public record ResilienceConfig(DependencyPolicy store, DependencyPolicy outbound) {
  public static final ResilienceConfig DEFAULT =
      new ResilienceConfig(DependencyPolicy.DEFAULT, DependencyPolicy.DEFAULT);

  public ResilienceConfig {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(outbound, "outbound");
  }
}
