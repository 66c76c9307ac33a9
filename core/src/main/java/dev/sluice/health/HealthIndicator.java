package dev.sluice.health;

/**
 * One component's health, for the server's readiness: the transport's source, the store, the
 * circuit breakers, or anything a plugin adds with
 * {@link dev.sluice.engine.SluiceServer.Builder#healthIndicator}.
 *
 * <p>{@link #check()} is called on every readiness probe, from any thread: it must be
 * thread-safe, fast (read a state, do not open a connection per call) and never block for long.
 * An indicator that throws is reported down with the exception's message.
 */
public interface HealthIndicator {

  /** A short stable name, the key in the readiness details, such as {@code store}. */
  String name();

  Health check();
}
