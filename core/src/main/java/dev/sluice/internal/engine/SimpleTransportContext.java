package dev.sluice.internal.engine;

import dev.sluice.config.Settings;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.TransportContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import dev.sluice.resilience.DependencyGuard;

/** The plain {@link TransportContext}. */
record SimpleTransportContext(String serverName, Settings settings, Path dataDirectory,
    MeterRegistry metrics, Settings security, Authenticator authenticator,
    Optional<Credentials> credentials, Function<String, DependencyGuard> dependencies)
    implements TransportContext {

  @Override
  public DependencyGuard dependency(String name) {
    return dependencies.apply(name);
  }
}
