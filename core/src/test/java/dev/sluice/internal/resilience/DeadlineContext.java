package dev.sluice.internal.resilience;

import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.LockService;
import dev.sluice.spi.ProcessorContext;
import dev.sluice.spi.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A processor context with nothing but a name and a deadline. */
record DeadlineContext(Instant deadline) implements ProcessorContext {

  static DeadlineContext far() {
    return new DeadlineContext(Instant.parse("2100-01-01T00:00:00Z"));
  }

  @Override
  public String processorName() {
    return "p";
  }

  @Override
  public Settings settings() {
    return Settings.empty("processors[0].settings");
  }

  @Override
  public Logger logger() {
    return LoggerFactory.getLogger("sluice.processor.p");
  }

  @Override
  public MeterRegistry metrics() {
    return new SimpleMeterRegistry();
  }

  @Override
  public CompletionStage<Void> emit(Event event) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("no emit here"));
  }

  @Override
  public Optional<LockService> locks() {
    return Optional.empty();
  }

  @Override
  public Optional<StateStore> state() {
    return Optional.empty();
  }

  @Override
  public Optional<EventStore> store() {
    return Optional.empty();
  }
}
