package dev.sluice.internal.engine;

import dev.sluice.config.Settings;
import dev.sluice.spi.TransportContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

/** The plain {@link TransportContext}. */
record SimpleTransportContext(String serverName, Settings settings, Path dataDirectory,
    MeterRegistry metrics) implements TransportContext {
}
