package dev.sluice.internal.dispatch;

import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.LockService;
import dev.sluice.spi.ProcessorContext;
import dev.sluice.spi.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;

/** A processor's context for one event: the shared part plus that event's deadline. */
final class EventScopedContext implements ProcessorContext {
  private final SharedProcessorContext shared;
  private final long deadlineNanos;

  EventScopedContext(SharedProcessorContext shared, long deadlineNanos) {
    this.shared = shared;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public String processorName() {
    return shared.processorName();
  }

  @Override
  public Settings settings() {
    return shared.settings();
  }

  @Override
  public Logger logger() {
    return shared.logger();
  }

  @Override
  public MeterRegistry metrics() {
    return shared.metrics();
  }

  @Override
  public Instant deadline() {
    return Instant.now().plusNanos(deadlineNanos - System.nanoTime());
  }

  @Override
  public CompletionStage<Void> emit(Event event) {
    return shared.emitter().apply(event);
  }

  @Override
  public Optional<LockService> locks() {
    return shared.locks();
  }

  @Override
  public Optional<StateStore> state() {
    return shared.state();
  }

  @Override
  public Optional<EventStore> store() {
    return shared.store();
  }
}
