package dev.sluice.examples.counter;

import dev.sluice.spi.SluicePlugin;

/**
 * Binds {@link CounterProcessor} under the name {@value #PROCESSOR}. Listed in
 * {@code META-INF/services/dev.sluice.spi.SluicePlugin}.
 *
 * <pre>{@code
 * processors:
 *   - name: counter
 *     types: [example.counter.add]
 *     concurrency: 8             # the lock serialises updates of one counter, not of all
 *     settings:
 *       lock-wait: 2s
 * }</pre>
 */
public final class CounterPlugin extends SluicePlugin {
  /** The name the processor is bound under. */
  public static final String PROCESSOR = "counter";

  @Override
  protected void configure() {
    processor(PROCESSOR, CounterProcessor.class);
  }
}
