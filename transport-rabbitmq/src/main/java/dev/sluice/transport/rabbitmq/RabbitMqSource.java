package dev.sluice.transport.rabbitmq;

import dev.sluice.event.Event;
import dev.sluice.spi.PublishingSource;
import java.util.concurrent.CompletionStage;

/**
 * The server side of the RabbitMQ transport: a consumer of the configured queue.
 *
 * <p><b>Acknowledgement.</b> A message is acknowledged once its reply has been published to its
 * {@code reply_to} (or, for a message without one, once its result is known). A final failure
 * (ERROR, INVALID, REJECTED, UNAUTHORIZED), a result the engine marks
 * {@link dev.sluice.event.Result#isDeadLettered() dead-lettered} (its retries are used up) and a
 * malformed message are first republished, with the error in headers, to the dead-letter
 * exchange with publisher confirms, then acknowledged: they are never redelivered in a loop.
 * The prefetch bounds the messages in flight.
 *
 * <p><b>Resilience.</b> The source created by {@link RabbitMqTransport} is also a
 * {@link dev.sluice.spi.HealthReportingSource} (up while connected, consuming and not blocked
 * by the broker) and a {@link dev.sluice.spi.TypePausableSource} (one-way messages of paused
 * types are held unacknowledged until resumed; see docs/transports.md).
 *
 * <p><b>Recovery.</b> The connection recovers by itself, with its queues, bindings and consumer.
 * While it is down, {@link #isReady()} is false; messages not yet acknowledged go back to the
 * queue and are delivered again, to this server or another.
 *
 * <p><b>Stopping.</b> Beside other consumers of the queue, {@link #stop} cancels the consumer at
 * once so that new messages go to them; as the only consumer it keeps receiving while it drains,
 * answering new requests UNAVAILABLE and leaving new one-way messages to go back to the queue.
 *
 * <p><b>Threading.</b> Every method is thread-safe. {@link #start} connects and declares;
 * {@link #stop} asks the broker once how many consumers the queue has; the others return
 * without waiting on the broker.
 */
public interface RabbitMqSource extends PublishingSource {

  /**
   * True while the source is connected, its consumer is registered and it is not stopping: the
   * readiness a health check reports.
   */
  boolean isReady();

  /** Why the source is or is not ready, one sentence, for a health check's detail. */
  String readiness();

  /**
   * Publishes a follow-on event (what {@code ProcessorContext.emit} does on this transport) to
   * the configured exchange (routing key: the event type), or to
   * the queue when no exchange is configured, persistent when {@code persistent} is set. The
   * stage completes once the broker confirms it, and fails if the broker refuses it or the
   * connection is down.
   */
  @Override
  CompletionStage<Void> publish(Event event);
}
