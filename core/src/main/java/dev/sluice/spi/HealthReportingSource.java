package dev.sluice.spi;

import dev.sluice.health.Health;

/**
 * An optional capability of an {@link EventSource}: it reports whether it can take events now,
 * such as "listening on 127.0.0.1:7443" or "connection to the broker lost, reconnecting". The
 * server's readiness includes it as the {@code source} component; a source without this
 * capability counts as up while the server runs.
 *
 * <p>{@link #health()} is called from any thread on every readiness probe: it must be cheap and
 * thread-safe and must not block. Report transport meters (connections, bytes, errors) with
 * {@link TransportMeters}.
 */
public interface HealthReportingSource extends EventSource {
  Health health();
}
