package dev.sluice.resilience;

import dev.sluice.config.DependencyPolicy;
import dev.sluice.internal.resilience.BreakerGuard;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A circuit breaker and a call timeout around an outbound dependency, such as a broker
 * publisher: while the dependency keeps failing, calls fail at once with
 * {@link DependencyUnavailableException} instead of piling up behind it.
 *
 * <pre>{@code
 * DependencyGuard publisher = context.dependency("rabbitmq-publisher");
 * CompletionStage<Void> sent = publisher.call(() -> confirmPublish(message));
 * }</pre>
 *
 * <p>Obtained from {@link dev.sluice.spi.TransportContext#dependency(String)}, which configures
 * it from {@code resilience.outbound} and reports its breaker in the server's readiness and
 * metrics; {@link #of} makes a standalone one. Thread-safe.
 *
 * <p><b>Failure.</b> A call that fails, or does not complete within the call timeout, counts as
 * a failure; once the failure rate passes the threshold the breaker opens, and every call fails
 * at once with {@link DependencyUnavailableException} (its message names the dependency and
 * when it will be tried again) until the breaker half-opens and trial calls succeed.
 */
public interface DependencyGuard {

  /** A standalone guard with {@code policy}, not reported in any health or metrics. */
  static DependencyGuard of(String name, DependencyPolicy policy) {
    return BreakerGuard.standalone(name, policy);
  }

  /** The dependency's name, such as {@code store} or {@code rabbitmq-publisher}. */
  String name();

  /**
   * Makes an asynchronous call: the stage fails with {@link DependencyUnavailableException}
   * at once while the breaker is open, and with a {@link java.util.concurrent.TimeoutException}
   * when the call does not complete within the call timeout (the call itself is not cancelled).
   */
  <T> CompletionStage<T> call(Supplier<? extends CompletionStage<T>> call);

  /**
   * Makes a blocking call on the caller's thread, through the breaker. The call timeout does not
   * apply: a blocking client must bound its own calls.
   *
   * @throws DependencyUnavailableException at once while the breaker is open
   * @throws Exception whatever the call throws
   */
  <T> T execute(Callable<T> call) throws Exception;

  /** Whether calls are let through now (the breaker is closed or half-open). */
  boolean isAvailable();
}
