package dev.sluice.internal.dispatch;

import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.LockService;
import dev.sluice.spi.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;

/** The part of a processor's context that is the same for every event. */
public record SharedProcessorContext(String processorName, Settings settings, Logger logger,
    MeterRegistry metrics, Function<Event, CompletionStage<Void>> emitter,
    Optional<LockService> locks, Optional<StateStore> state, Optional<EventStore> store) {
}
