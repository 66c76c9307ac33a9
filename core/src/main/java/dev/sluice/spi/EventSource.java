package dev.sluice.spi;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where events come from: a TCP port, a queue, a topic, a table.
 *
 * <p><b>Lifecycle.</b> {@link #start} is called once, with the sink to feed; the source then
 * hands each event it receives to {@link EventSink#submit} and, when the returned stage
 * completes, delivers the result to the sender and acknowledges the event in its own terms (a
 * reply frame, a broker ack, an offset commit, a row marked done). {@link #stop} is called once:
 * the source stops taking new events at once, waits for the results of those already submitted
 * until the deadline, delivers them, and releases its resources.
 *
 * <p><b>Threading.</b> {@code submit} may be called from any number of threads; result stages
 * complete on engine threads, so a source must not block in their callbacks.
 *
 * <p><b>Backpressure.</b> A source that can slow its intake implements {@link PausableSource}; the
 * engine pauses it when its queues are filling and resumes it when there is room. A source that
 * cannot be slowed gets {@code OVERLOADED} results for what does not fit, and relays them.
 */
public interface EventSource {

  /** Starts receiving events; returns once the source is ready (listening, subscribed). */
  void start(EventSink sink) throws Exception;

  /**
   * Stops intake and drains: the stage completes when every submitted event's result has been
   * delivered or the deadline has passed, whichever comes first.
   */
  CompletionStage<Void> stop(Duration drainDeadline);

  /** Where this source listens, for the start-up log, e.g. {@code tls://127.0.0.1:7443}. */
  default String describe() {
    return getClass().getSimpleName();
  }
}
