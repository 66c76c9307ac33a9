/**
 * Resilience of calls to outbound dependencies: {@link dev.sluice.resilience.DependencyGuard}
 * puts a circuit breaker (resilience4j) and a call timeout around a broker publisher or any
 * other client. Processors get retries and breakers from their configuration, without code.
 */
package dev.sluice.resilience;
