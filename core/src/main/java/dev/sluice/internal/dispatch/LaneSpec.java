package dev.sluice.internal.dispatch;

import dev.sluice.config.Ordering;
import dev.sluice.spi.EventProcessor;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a lane needs: the configured name, the processor instance and the class loader it
 * runs with, its limits, and the context handed to it.
 */
public record LaneSpec(String name, EventProcessor processor, ClassLoader classLoader,
    int concurrency, int queueCapacity, Duration timeout, Ordering ordering,
    SharedProcessorContext context) {
  public LaneSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(processor, "processor");
    Objects.requireNonNull(classLoader, "classLoader");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(ordering, "ordering");
    Objects.requireNonNull(context, "context");
  }
}
