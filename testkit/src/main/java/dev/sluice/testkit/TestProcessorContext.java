package dev.sluice.testkit;

import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.LockService;
import dev.sluice.spi.ProcessorContext;
import dev.sluice.spi.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ProcessorContext} for unit tests of a processor's logic: the given settings, a real
 * meter registry, and locks and state only when a test supplies them. The engine's own context
 * is exercised by end-to-end tests over the in-memory transport.
 *
 * <pre>{@code
 * Result r = new EchoProcessor().process(event, TestProcessorContext.of(Map.of("greeting", "Hi")));
 * }</pre>
 */
public final class TestProcessorContext implements ProcessorContext {
  private final Settings settings;
  private final MeterRegistry metrics = new SimpleMeterRegistry();
  private final LockService locks;
  private final StateStore state;

  private TestProcessorContext(Settings settings, LockService locks, StateStore state) {
    this.settings = settings;
    this.locks = locks;
    this.state = state;
  }

  public static TestProcessorContext of(Map<String, ?> settings) {
    return new TestProcessorContext(Settings.of(settings), null, null);
  }

  public static TestProcessorContext empty() {
    return of(Map.of());
  }

  public TestProcessorContext withServices(LockService lockService, StateStore stateStore) {
    return new TestProcessorContext(settings, lockService, stateStore);
  }

  @Override
  public String processorName() {
    return "test";
  }

  @Override
  public Settings settings() {
    return settings;
  }

  @Override
  public Logger logger() {
    return LoggerFactory.getLogger("sluice.processor.test");
  }

  @Override
  public MeterRegistry metrics() {
    return metrics;
  }

  @Override
  public Instant deadline() {
    return Instant.MAX;
  }

  @Override
  public CompletionStage<Void> emit(Event event) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("no test here emits events"));
  }

  @Override
  public Optional<LockService> locks() {
    return Optional.ofNullable(locks);
  }

  @Override
  public Optional<StateStore> state() {
    return Optional.ofNullable(state);
  }

  @Override
  public Optional<EventStore> store() {
    return Optional.empty();
  }
}
