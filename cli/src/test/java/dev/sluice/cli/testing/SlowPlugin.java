package dev.sluice.cli.testing;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessorContext;
import dev.sluice.spi.SluicePlugin;
import java.time.Duration;

/** A processor that answers OK after {@code settings.delay}: an event still in flight. */
public final class SlowPlugin extends SluicePlugin {
  @Override
  protected void configure() {
    processor("slow", SlowProcessor.class);
  }

  /** Sleeps, then echoes. */
  public static final class SlowProcessor implements EventProcessor {
    @Override
    public Result process(Event event, ProcessorContext context) throws Exception {
      Thread.sleep(context.settings().duration("delay", Duration.ofMillis(500)).toMillis());
      return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
    }
  }
}
