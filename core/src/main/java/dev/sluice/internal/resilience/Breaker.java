package dev.sluice.internal.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One of the server's circuit breakers: a resilience4j {@link CircuitBreaker} that decides,
 * with the meters and the state-change notices that resilience4j's event publisher would give,
 * made here instead.
 *
 * <p>Why not the event publisher: once anything subscribes to it (a state-transition listener,
 * resilience4j's Micrometer binding), every call builds an event object with a
 * {@code ZonedDateTime.now()} and the binding records a Micrometer timer. That tripled the
 * breaker's cost per call (about 90 ns without subscribers, 340 ns with them, on the 2-core
 * benchmark machine), and a processor that runs inline pays it on every event. Here a call
 * costs the decision, two {@link LongAdder} updates and a look at the state.
 *
 * <p>Successes in a row are not all handed to resilience4j: its count-based window records each
 * call under a lock that the event loops share (about 5 % of the server's CPU at the Netty
 * benchmark's peak). Once at least twice the window's size of successes in a row have been
 * recorded since the last failure, slow call or state change, the window holds nothing but
 * successes, and one more changes none of its counts: the failure and slow-call rates, the
 * buffered calls and the decisions they drive stay what they would be. Such a success is
 * counted in the meters here but not recorded in the window; the first failure or slow call is
 * recorded as always. Only while the breaker is closed; a time-based window records every call.
 *
 * <p>State changes are noticed after each call made through this class (so a change that a
 * call causes is reported before the call returns), and by {@link #checkState} otherwise: the
 * engine calls it periodically to see the timed change from open to half-open. A notice reads
 * the state then; changes that come and go between two looks are reported as one.
 */
public final class Breaker {
  private final CircuitBreaker breaker;
  private final LongAdder successful = new LongAdder();
  private final LongAdder successfulNanos = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder failedNanos = new LongAdder();
  private final LongAdder notPermitted = new LongAdder();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  /** The state and the metrics object (new with each half-open and closed state) last seen. */
  private volatile CircuitBreaker.State seenState;
  private volatile Object seenMetrics;
  /** Successes recorded in a row since the last failure, slow call or state change. */
  private final AtomicLong successStreak = new AtomicLong();
  /** The streak from which the window holds only successes, with a margin for races. */
  private final long skipSuccessesAfter;
  /** A success that took this long is a slow call, which is always recorded. */
  private final long slowCallNanos;

  Breaker(CircuitBreaker breaker) {
    this.breaker = breaker;
    this.seenState = breaker.getState();
    this.seenMetrics = breaker.getMetrics();
    CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
    this.skipSuccessesAfter = config.getSlidingWindowType() == SlidingWindowType.COUNT_BASED
        ? 2L * config.getSlidingWindowSize() : Long.MAX_VALUE;
    this.slowCallNanos = config.getSlowCallDurationThreshold().toNanos();
  }

  /** The resilience4j breaker: its name, state, metrics and configuration. */
  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  public String name() {
    return breaker.getName();
  }

  /** True when a call may go ahead; it must then end in one of the other three methods. */
  public boolean tryAcquirePermission() {
    if (breaker.tryAcquirePermission()) {
      checkState(); // an open breaker whose wait has passed half-opens here
      return true;
    }
    notPermitted.increment();
    return false;
  }

  /** A permitted call that was not made, or was cut short: it counts for nothing. */
  public void releasePermission() {
    breaker.releasePermission();
  }

  /** A permitted call that succeeded, after {@code nanos}. */
  public void onSuccess(long nanos) {
    if (nanos >= slowCallNanos) {
      breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      successStreak.set(0);
    } else if (successStreak.get() < skipSuccessesAfter) {
      breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      successStreak.incrementAndGet();
    } else if (breaker.getState() != CircuitBreaker.State.CLOSED) {
      breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }
    // else: a closed breaker whose window holds only successes; see the class comment
    successful.increment();
    successfulNanos.add(nanos);
    checkState();
  }

  /** A permitted call that failed with {@code failure}, after {@code nanos}. */
  public void onError(long nanos, Throwable failure) {
    breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
    successStreak.set(0);
    failed.increment();
    failedNanos.add(nanos);
    checkState();
  }

  /** Calls {@code listener} after each state change noticed from now on. */
  public void onStateChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Tells the listeners if the state changed since the last look; cheap when it did not. */
  public void checkState() {
    if (breaker.getState() != seenState || breaker.getMetrics() != seenMetrics) {
      stateChanged();
    }
  }

  private void stateChanged() {
    synchronized (this) {
      CircuitBreaker.State state = breaker.getState();
      Object metrics = breaker.getMetrics();
      if (state == seenState && metrics == seenMetrics) {
        return; // another thread reported it
      }
      seenState = state;
      seenMetrics = metrics;
      successStreak.set(0); // a new state starts a new window
    }
    for (Runnable listener : listeners) {
      listener.run();
    }
  }

  /**
   * Registers the meters resilience4j's Micrometer binding would, under the same names and
   * tags: {@code resilience4j.circuitbreaker.state}, {@code .failure.rate},
   * {@code .slow.call.rate}, {@code .buffered.calls}, {@code .calls} (a function timer: count
   * and total time by {@code kind}) and {@code .not.permitted.calls}.
   */
  void bindTo(MeterRegistry meters) {
    String name = breaker.getName();
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      Gauge.builder("resilience4j.circuitbreaker.state", breaker,
              b -> b.getState() == state ? 1 : 0)
          .description("The states of the circuit breaker").tag("name", name)
          .tag("state", state.name().toLowerCase(Locale.ROOT)).register(meters);
    }
    Gauge.builder("resilience4j.circuitbreaker.failure.rate", breaker,
            b -> b.getMetrics().getFailureRate())
        .description("The failure rate of the circuit breaker").tag("name", name)
        .register(meters);
    Gauge.builder("resilience4j.circuitbreaker.slow.call.rate", breaker,
            b -> b.getMetrics().getSlowCallRate())
        .description("The slow call rate of the circuit breaker").tag("name", name)
        .register(meters);
    Gauge.builder("resilience4j.circuitbreaker.buffered.calls", breaker,
            b -> b.getMetrics().getNumberOfSuccessfulCalls())
        .description("The number of buffered successful calls stored in the ring buffer")
        .tag("name", name).tag("kind", "successful").register(meters);
    Gauge.builder("resilience4j.circuitbreaker.buffered.calls", breaker,
            b -> b.getMetrics().getNumberOfFailedCalls())
        .description("The number of buffered failed calls stored in the ring buffer")
        .tag("name", name).tag("kind", "failed").register(meters);
    calls(meters, name, "successful", successful, successfulNanos,
        "Total number of successful calls");
    calls(meters, name, "failed", failed, failedNanos, "Total number of failed calls");
    FunctionCounter.builder("resilience4j.circuitbreaker.not.permitted.calls", notPermitted,
            LongAdder::sum)
        .description("Total number of not permitted calls").tag("name", name)
        .tag("kind", "not_permitted").register(meters);
  }

  private static void calls(MeterRegistry meters, String name, String kind, LongAdder count,
      LongAdder nanos, String description) {
    FunctionTimer.builder("resilience4j.circuitbreaker.calls", count, LongAdder::sum,
            c -> nanos.sum(), TimeUnit.NANOSECONDS)
        .description(description).tag("name", name).tag("kind", kind).register(meters);
  }

  @Override
  public String toString() {
    return "breaker " + breaker.getName() + " (" + Breakers.stateName(breaker) + ")";
  }
}
