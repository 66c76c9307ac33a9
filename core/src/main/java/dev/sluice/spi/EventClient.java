package dev.sluice.spi;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Sends events to a server over a transport and returns their results. Thread-safe; many
 * requests may be in flight at once.
 *
 * <p>The stage never completes exceptionally for an outcome a caller must handle: when the
 * deadline passes it completes with a {@code TIMEOUT} result, and when the server cannot be
 * reached with an {@code UNAVAILABLE} result whose message says what was tried.
 */
public interface EventClient extends AutoCloseable {

  /** Sends one event and waits at most {@code timeout} for its result. */
  CompletionStage<Result> send(Event event, Duration timeout);

  /** Closes connections; requests still in flight complete with {@code UNAVAILABLE}. */
  @Override
  void close();
}
