package dev.sluice.examples.echo;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessorContext;

/**
 * Answers every event with its own data and content type: the smallest useful processor, and the
 * one to start from.
 *
 * <pre>
 *  event  {type: example.echo, datacontenttype: text/plain, data: "hello"}
 *  result {status: OK,         datacontenttype: text/plain, data: "hello"}
 * </pre>
 *
 * <p>An event without data gets an OK result without data. It reads no settings.
 *
 * <p><b>Threading.</b> One instance serves all of the processor's workers at once (up to its
 * {@code concurrency}); this class keeps no state, so it is trivially thread-safe. A processor
 * that keeps state must make it thread-safe, or ask for {@code concurrency: 1}.
 */
public final class EchoProcessor implements EventProcessor {
  /** The event type this processor is usually routed, as in the examples' configuration. */
  public static final String TYPE = "example.echo";

  @Override
  public Result process(Event event, ProcessorContext context) {
    // Result.ok copies the bytes; the result must stay valid after the event is gone.
    return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
  }
}
