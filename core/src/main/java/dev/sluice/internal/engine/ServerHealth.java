package dev.sluice.internal.engine;

import dev.sluice.health.Health;
import dev.sluice.health.HealthIndicator;
import dev.sluice.health.HealthReport;
import dev.sluice.internal.resilience.Breakers;
import dev.sluice.internal.resilience.ResilientEventStore;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.HealthReportingSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Liveness and readiness. Live: started and not stopped. Ready: live, and every indicator up:
 * the source, the store (its breaker, and the store itself when it reports health), the
 * dependency breakers, and any indicator a plugin added.
 *
 * <p>An open processor breaker does not make the server unready: the other processors still
 * serve, and on a load balancer every server would be taken out alike. It shows in the
 * {@code breakers} details as {@code degraded}.
 */
final class ServerHealth {
  private final BooleanSupplier running;
  private final List<HealthIndicator> indicators = new ArrayList<>();

  ServerHealth(BooleanSupplier running, Supplier<EventSource> source, ResilientEventStore store,
      Breakers breakers, List<HealthIndicator> extra) {
    this.running = running;
    indicators.add(indicator("source", () -> source(source.get())));
    indicators.add(indicator("store", () -> store(store)));
    indicators.add(indicator("breakers", () -> breakers(breakers)));
    indicators.addAll(extra);
  }

  HealthReport liveness() {
    boolean up = running.getAsBoolean();
    return new HealthReport(up, Map.of("server", up ? Health.up()
        : Health.down("the server is not running")));
  }

  HealthReport readiness() {
    Map<String, Health> components = new LinkedHashMap<>();
    boolean up = running.getAsBoolean();
    for (HealthIndicator i : indicators) {
      Health h;
      try {
        h = i.check();
      } catch (RuntimeException e) {
        h = Health.down("the health check failed: " + e);
      }
      components.put(i.name(), h);
      up &= h.isUp();
    }
    return new HealthReport(up, components);
  }

  private Health source(EventSource s) {
    if (s == null || !running.getAsBoolean()) {
      return Health.down("the source is not started");
    }
    if (s instanceof HealthReportingSource reporting) {
      Health h = reporting.health();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("source", s.describe());
      details.putAll(h.details());
      return new Health(h.isUp(), details);
    }
    return Health.up(Map.of("source", s.describe()));
  }

  private static Health store(ResilientEventStore store) {
    CircuitBreaker breaker = store.guard().breaker();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("store", store.delegate().getClass().getSimpleName());
    details.put("breaker", Breakers.stateName(breaker));
    boolean up = !Breakers.isOpen(breaker);
    if (!up) {
      details.put("error", "the store's circuit breaker is open: " + Breakers.describe(breaker));
    }
    if (store.delegate() instanceof HealthIndicator own) {
      Health h = own.check();
      details.putAll(h.details());
      up &= h.isUp();
    }
    return new Health(up, details);
  }

  private static Health breakers(Breakers breakers) {
    Map<String, Object> states = new LinkedHashMap<>();
    List<String> degraded = new ArrayList<>();
    List<String> down = new ArrayList<>();
    for (CircuitBreaker b : breakers.all()) {
      states.put(b.getName(), Breakers.stateName(b));
      if (Breakers.isOpen(b)) {
        (b.getName().startsWith("processor:") ? degraded : down).add(b.getName());
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("states", states);
    if (!degraded.isEmpty()) {
      details.put("degraded", degraded);
    }
    if (!down.isEmpty()) {
      details.put("open", down);
    }
    return new Health(down.isEmpty(), details);
  }

  private static HealthIndicator indicator(String name, Supplier<Health> check) {
    return new HealthIndicator() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Health check() {
        return check.get();
      }
    };
  }
}
