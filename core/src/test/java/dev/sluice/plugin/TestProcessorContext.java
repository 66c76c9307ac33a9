package dev.sluice.plugin;

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

/** The least a processor needs to run in a test: a name, a logger and nothing else. */
final class TestProcessorContext implements ProcessorContext {
  private final String processorName;

  TestProcessorContext(String processorName) {
    this.processorName = processorName;
  }

  @Override
  public String processorName() {
    return processorName;
  }

  @Override
  public Settings settings() {
    throw new UnsupportedOperationException("no settings in this test");
  }

  @Override
  public Logger logger() {
    return LoggerFactory.getLogger(processorName);
  }

  @Override
  public MeterRegistry metrics() {
    return new SimpleMeterRegistry();
  }

  @Override
  public Instant deadline() {
    return Instant.MAX;
  }

  @Override
  public CompletionStage<Void> emit(Event event) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("no emitting in this test"));
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
