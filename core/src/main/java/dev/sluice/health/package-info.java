/**
 * Health: what {@code /health/live} and {@code /health/ready} report.
 *
 * <pre>
 *  SluiceServer.readiness() ──► HealthReport{up, components}
 *                                   ├─ source    (HealthReportingSource, or running)
 *                                   ├─ store     (its circuit breaker; the store if it reports)
 *                                   ├─ breakers  (every circuit breaker: down while one is open)
 *                                   └─ ...       (indicators added by plugins)
 * </pre>
 *
 * <p>Liveness says the process works (started and not stopped): restart it when down.
 * Readiness says it can serve now: route no traffic to it when down.
 */
package dev.sluice.health;
