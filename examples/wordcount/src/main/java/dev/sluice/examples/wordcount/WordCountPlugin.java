package dev.sluice.examples.wordcount;

import dev.sluice.spi.SluicePlugin;

/**
 * Binds {@link WordCountProcessor} under the name {@value #PROCESSOR}. Listed in
 * {@code META-INF/services/dev.sluice.spi.SluicePlugin}.
 *
 * <pre>{@code
 * processors:
 *   - name: wordcount
 *     types: [example.wordcount]
 *     concurrency: 4              # CPU-bound: about one per core
 *     settings:
 *       max-text-chars: 200000
 * }</pre>
 */
public final class WordCountPlugin extends SluicePlugin {
  /** The name the processor is bound under. */
  public static final String PROCESSOR = "wordcount";

  @Override
  protected void configure() {
    processor(PROCESSOR, WordCountProcessor.class);
  }
}
