package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code processors}.
 *
 * @param name unique name of this configured processor (metrics, logs, routes)
 * @param processor the plugin processor it runs, as bound by its plugin; defaults to {@code name}
 * @param types event types routed to it: exact names or trailing wildcards such as {@code orders.*}
 * @param concurrency how many events it processes at once
 * @param queueCapacity how many accepted events may wait for a worker
 * @param timeout how long one event may take
 * @param ordering whether events with the same partition key keep their order
 * @param settings its {@code settings} map, read by the processor
 * @param retry how its retryable failures are retried
 * @param circuitBreaker when its calls are refused because it keeps failing
 * @param execution which thread runs its events: its workers, or the one that delivered them
 */
public record ProcessorConfig(String name, String processor, List<String> types, int concurrency,
    int queueCapacity, Duration timeout, Ordering ordering, Settings settings, RetryPolicy retry,
    BreakerPolicy circuitBreaker, Execution execution) {

  /** A processor with the default retry and circuit breaker. */
  public ProcessorConfig(String name, String processor, List<String> types, int concurrency,
      int queueCapacity, Duration timeout, Ordering ordering, Settings settings) {
    this(name, processor, types, concurrency, queueCapacity, timeout, ordering, settings,
        RetryPolicy.DEFAULT, BreakerPolicy.DEFAULT, Execution.WORKERS);
  }

  /** A processor run by its workers. */
  public ProcessorConfig(String name, String processor, List<String> types, int concurrency,
      int queueCapacity, Duration timeout, Ordering ordering, Settings settings, RetryPolicy retry,
      BreakerPolicy circuitBreaker) {
    this(name, processor, types, concurrency, queueCapacity, timeout, ordering, settings, retry,
        circuitBreaker, Execution.WORKERS);
  }

  public ProcessorConfig {
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    Objects.requireNonNull(execution, "execution");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(processor, "processor");
    types = List.copyOf(types);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(ordering, "ordering");
    Objects.requireNonNull(settings, "settings");
    if (concurrency < 1 || queueCapacity < 1) {
      throw new IllegalArgumentException("concurrency and queue capacity must be at least 1");
    }
  }
}
