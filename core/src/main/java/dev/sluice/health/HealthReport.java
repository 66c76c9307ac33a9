package dev.sluice.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The server's health: up when it is and every component is, with each component's
 * {@link Health} by indicator name.
 *
 * @param isUp whether the whole server is up (live, or ready)
 * @param components each indicator's health, in registration order
 */
public record HealthReport(boolean isUp, Map<String, Health> components) {
  public HealthReport {
    components = Collections.unmodifiableMap(new LinkedHashMap<>(
        Objects.requireNonNull(components, "components")));
  }

  public String status() {
    return isUp ? "UP" : "DOWN";
  }
}
