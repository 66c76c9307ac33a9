package dev.sluice.spi;

import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;

/**
 * What the engine gives a processor with each event. Implementations are provided by the engine;
 * the methods are cheap and thread-safe.
 */
public interface ProcessorContext {

  /** The name this processor is configured under in {@code processors:}. */
  String processorName();

  /** The processor's {@code settings:} map from the configuration file. */
  Settings settings();

  /** A logger named after the processor; the event id and type are in its MDC. */
  Logger logger();

  /** The server's meter registry; name meters {@code sluice.processor.<name>.*}. */
  MeterRegistry metrics();

  /** When the sender stops waiting for this event's result. */
  Instant deadline();

  /**
   * Emits a follow-on event. On a broker transport (RabbitMQ, Kafka: a {@link PublishingSource})
   * it is published to the broker and the stage completes once the broker confirmed it;
   * otherwise it is dispatched in-process and the stage completes once it is queued. The stage
   * fails with a {@link ProcessingException} if the event is refused, a retryable one when the
   * broker did not confirm it. Give it an id derived from the emitting event's, so that a
   * retried emit is applied once.
   */
  CompletionStage<Void> emit(Event event);

  /** The distributed lock service, when a store is configured (the in-memory one otherwise). */
  Optional<LockService> locks();

  /** Fenced key-value state, when a store is configured (the in-memory one otherwise). */
  Optional<StateStore> state();

  /** The event store, when one is configured. */
  Optional<EventStore> store();
}
