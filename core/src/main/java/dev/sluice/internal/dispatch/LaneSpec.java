package dev.sluice.internal.dispatch;

import dev.sluice.config.Execution;
import dev.sluice.config.Ordering;
import dev.sluice.spi.EventProcessor;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a lane needs: the configured name, the processor instance, its limits, and the
 * context handed to it. The processor runs with its own class's loader (its plugin's) as the
 * thread's context class loader.
 */
public record LaneSpec(String name, EventProcessor processor, int concurrency, int queueCapacity,
    Duration timeout, Ordering ordering, Execution execution, SharedProcessorContext context) {

  /** A lane whose workers run its events. */
  public LaneSpec(String name, EventProcessor processor, int concurrency, int queueCapacity,
      Duration timeout, Ordering ordering, SharedProcessorContext context) {
    this(name, processor, concurrency, queueCapacity, timeout, ordering, Execution.WORKERS,
        context);
  }

  public LaneSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(processor, "processor");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(ordering, "ordering");
    Objects.requireNonNull(execution, "execution");
    Objects.requireNonNull(context, "context");
  }
}
