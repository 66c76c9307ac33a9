package dev.sluice.internal.engine;

import dev.sluice.config.ConfigProblem;
import dev.sluice.config.SluiceConfig;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import dev.sluice.resilience.DependencyGuard;

/** Finds the configured transport, and builds the context it is given; for servers and clients. */
public final class TransportResolver {
  private TransportResolver() {
  }

  /** The transport named by {@code transport.type}, or null after adding a problem naming it. */
  public static Transport resolve(SluiceConfig config, Plugins plugins,
      List<ConfigProblem> problems) {
    String type = config.transport().type();
    Transport transport = plugins.transport(type).orElse(null);
    if (transport == null) {
      problems.add(new ConfigProblem("transport.type", 0, "no transport named '" + type
          + "' is loaded; loaded: " + plugins.transportNames()
          + ". Put its jar in the plugins directory or choose one of those"));
    }
    return transport;
  }

  /** The context for the configured transport, with the data directory resolved. */
  public static TransportContext context(SluiceConfig config, Path baseDirectory,
      MeterRegistry metrics, Authenticator authenticator, Optional<Credentials> credentials) {
    return context(config, baseDirectory, metrics, authenticator, credentials,
        name -> DependencyGuard.of(name, config.resilience().outbound()));
  }

  /** As above, with the guards of outbound dependencies coming from {@code dependencies}. */
  static TransportContext context(SluiceConfig config, Path baseDirectory,
      MeterRegistry metrics, Authenticator authenticator, Optional<Credentials> credentials,
      Function<String, DependencyGuard> dependencies) {
    return new SimpleTransportContext(config.server().name(), config.transport().settings(),
        baseDirectory.toAbsolutePath().resolve(config.server().dataDirectory()), metrics,
        config.security(), authenticator, credentials, dependencies);
  }
}
