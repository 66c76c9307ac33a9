package dev.sluice.examples.echo;

import dev.sluice.spi.SluicePlugin;

/**
 * The plugin's entry point. The server finds it through
 * {@code META-INF/services/dev.sluice.spi.SluicePlugin}, a text file whose one line is this
 * class's name, and calls {@link #configure()} to learn what the jar provides.
 *
 * <p>{@code processor("echo", ...)} makes the processor available under the name {@code echo};
 * nothing runs until the configuration file asks for it:
 *
 * <pre>{@code
 * processors:
 *   - name: echo                 # also the plugin's processor name, so no "processor:" key
 *     types: [example.echo]
 * }</pre>
 */
public final class EchoPlugin extends SluicePlugin {
  /** The name the processor is bound under. */
  public static final String PROCESSOR = "echo";

  @Override
  protected void configure() {
    processor(PROCESSOR, EchoProcessor.class);
  }
}
