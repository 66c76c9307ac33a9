package dev.sluice.internal.resilience;

import dev.sluice.config.DependencyPolicy;
import dev.sluice.resilience.DependencyGuard;
import dev.sluice.resilience.DependencyUnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** {@link DependencyGuard} on a resilience4j breaker, with {@code orTimeout} as call timeout. */
public final class BreakerGuard implements DependencyGuard {
  private final String name;
  private final Breaker breaker;
  private final long timeoutNanos;

  public BreakerGuard(String name, Breaker breaker, Duration callTimeout) {
    this.name = name;
    this.breaker = breaker;
    this.timeoutNanos = callTimeout.toNanos();
  }

  /** Backs {@link DependencyGuard#of}. */
  public static BreakerGuard standalone(String name, DependencyPolicy policy) {
    Breakers breakers = new Breakers(new SimpleMeterRegistry());
    return new BreakerGuard(name, breakers.create(name, policy.breaker()),
        policy.callTimeout());
  }

  @Override
  public String name() {
    return name;
  }

  public CircuitBreaker breaker() {
    return breaker.circuitBreaker();
  }

  @Override
  public <T> CompletionStage<T> call(Supplier<? extends CompletionStage<T>> call) {
    if (!breaker.tryAcquirePermission()) {
      return CompletableFuture.failedFuture(refusal());
    }
    long start = System.nanoTime();
    CompletableFuture<T> stage;
    try {
      stage = call.get().toCompletableFuture();
    } catch (RuntimeException e) {
      breaker.onError(System.nanoTime() - start, e);
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    // a copy, so that the timeout does not complete the caller's own future
    stage.copy().orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).whenComplete((v, t) -> {
      long took = System.nanoTime() - start;
      if (t == null) {
        breaker.onSuccess(took);
        out.complete(v);
      } else {
        Throwable cause = t instanceof java.util.concurrent.CompletionException
            && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof TimeoutException) {
          cause = new TimeoutException(name + " did not answer within "
              + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + "ms");
        }
        breaker.onError(took, cause);
        out.completeExceptionally(cause);
      }
    });
    return out;
  }

  @Override
  public <T> T execute(Callable<T> call) throws Exception {
    if (!breaker.tryAcquirePermission()) {
      throw refusal();
    }
    long start = System.nanoTime();
    try {
      T value = call.call();
      breaker.onSuccess(System.nanoTime() - start);
      return value;
    } catch (Exception | Error e) {
      breaker.onError(System.nanoTime() - start, e);
      throw e;
    }
  }

  @Override
  public boolean isAvailable() {
    return !Breakers.isOpen(breaker());
  }

  private DependencyUnavailableException refusal() {
    return new DependencyUnavailableException(name, name + " is unavailable: its circuit"
        + " breaker is " + Breakers.stateName(breaker()) + " (" + Breakers.describe(breaker())
        + "); calls are refused for up to " + Breakers.waitInOpen(breaker()).toMillis()
        + "ms before trial calls are let through");
  }

  @Override
  public String toString() {
    return "BreakerGuard{" + name + ", " + Breakers.stateName(breaker()) + "}";
  }
}
