package dev.sluice.internal.resilience;

import dev.sluice.spi.EventSource;
import dev.sluice.spi.TypePausableSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses a {@link TypePausableSource}'s intake of a processor's event types while that
 * processor's circuit breaker is open, and resumes it when the breaker half-opens, so a broker
 * keeps those events instead of redelivering them in a hot loop. Each change reads the breaker's
 * current state under this object's monitor, so transitions published out of order cannot leave
 * intake paused behind a closed breaker.
 */
public final class BreakerIntakeControl {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");

  private final Map<String, Watched> watched = new LinkedHashMap<>();
  private final Set<String> paused = new HashSet<>();
  private TypePausableSource source;

  /** Watches the breaker of {@code processor}, which handles {@code types}. */
  public synchronized void watch(String processor, List<String> types, Breaker breaker) {
    String key = ResilientProcessors.breakerName(processor);
    watched.put(key, new Watched(processor,
        java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(types)),
        breaker.circuitBreaker()));
    breaker.onStateChange(() -> update(key));
  }

  /** Starts pausing {@code s}, if it has the capability; breakers open already pause it now. */
  public void attach(EventSource s) {
    List<String> keys;
    synchronized (this) {
      if (!(s instanceof TypePausableSource)) {
        return;
      }
      source = (TypePausableSource) s;
      keys = List.copyOf(watched.keySet());
    }
    keys.forEach(this::update);
  }

  /** Stops pausing: the source is stopping. */
  public synchronized void detach() {
    source = null;
    paused.clear();
  }

  private synchronized void update(String key) {
    Watched w = watched.get(key);
    if (source == null || w == null) {
      return;
    }
    boolean open = Breakers.isOpen(w.breaker);
    try {
      if (open && paused.add(key)) {
        String reason = "processor '" + w.processor + "' circuit breaker is open ("
            + Breakers.describe(w.breaker) + ")";
        LOG.info("pausing intake of types {} on {}: {}", w.types, source.describe(), reason);
        source.pauseTypes(key, w.types, reason);
      } else if (!open && paused.remove(key)) {
        LOG.info("resuming intake of types {} on {}: processor '{}' circuit breaker is {}",
            w.types, source.describe(), w.processor, Breakers.stateName(w.breaker));
        source.resumeTypes(key);
      }
    } catch (RuntimeException e) {
      LOG.warn("source {} failed to {} intake of types {}", source.describe(),
          open ? "pause" : "resume", w.types, e);
    }
  }

  /** Whether intake of {@code processor}'s types is paused now. */
  public synchronized boolean isPaused(String processor) {
    return paused.contains(ResilientProcessors.breakerName(processor));
  }

  private record Watched(String processor, Set<String> types, CircuitBreaker breaker) {
  }
}
