package dev.sluice.spi;

import dev.sluice.event.Event;
import java.util.concurrent.CompletionStage;

/**
 * An optional capability of an {@link EventSource} that consumes from a broker: it publishes the
 * follow-on events processors {@link ProcessorContext#emit emit} to that broker, where they are
 * consumed like any other event (by this server or another one sharing the queue or topic).
 * Without this capability, the engine dispatches follow-on events in-process.
 *
 * <p>{@link #publish} is called from processor threads, from the first event the source
 * delivers until it has stopped: it must not block, and it fails rather than waits while the
 * broker cannot be reached.
 */
public interface PublishingSource extends EventSource {

  /**
   * Publishes {@code event} durably. The stage completes once the broker has confirmed it (a
   * publisher confirm, an acknowledged produce) and fails, with a message that says why, when
   * the broker refused it or cannot be reached; the event is then not published.
   */
  CompletionStage<Void> publish(Event event);
}
