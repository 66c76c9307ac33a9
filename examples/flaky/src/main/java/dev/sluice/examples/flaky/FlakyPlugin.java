package dev.sluice.examples.flaky;

import dev.sluice.spi.SluicePlugin;

/**
 * Binds {@link FlakyProcessor} under the name {@value #PROCESSOR}. Listed in
 * {@code META-INF/services/dev.sluice.spi.SluicePlugin}.
 *
 * <pre>{@code
 * processors:
 *   - name: flaky
 *     types: [example.flaky]
 *     settings:
 *       fail-rate: 0.1
 * }</pre>
 */
public final class FlakyPlugin extends SluicePlugin {
  /** The name the processor is bound under. */
  public static final String PROCESSOR = "flaky";

  @Override
  protected void configure() {
    processor(PROCESSOR, FlakyProcessor.class);
  }
}
