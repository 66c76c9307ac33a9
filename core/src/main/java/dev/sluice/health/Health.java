package dev.sluice.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link HealthIndicator} found: up or down, with details for the operator (JSON-friendly
 * values: strings, numbers, booleans, maps and lists of them).
 *
 * <pre>{@code
 * return Health.up(Map.of("connections", 3));
 * return Health.down(Map.of("error", "connection refused to 127.0.0.1:5672"));
 * }</pre>
 *
 * @param isUp whether the component works
 * @param details what the operator should see, in insertion order
 */
public record Health(boolean isUp, Map<String, Object> details) {
  public Health {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(
        Objects.requireNonNull(details, "details")));
  }

  public static Health up() {
    return new Health(true, Map.of());
  }

  public static Health up(Map<String, ?> details) {
    return new Health(true, new LinkedHashMap<>(details));
  }

  public static Health down(Map<String, ?> details) {
    return new Health(false, new LinkedHashMap<>(details));
  }

  /** Down, with {@code reason} as the {@code error} detail. */
  public static Health down(String reason) {
    return new Health(false, Map.of("error", reason));
  }

  /** {@code UP} or {@code DOWN}, as the admin endpoint prints it. */
  public String status() {
    return isUp ? "UP" : "DOWN";
  }
}
