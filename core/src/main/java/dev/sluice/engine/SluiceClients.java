package dev.sluice.engine;

import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.SluiceConfig;
import dev.sluice.internal.engine.TransportResolver;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Clients of the configured transport, as {@code sluice send} and {@code sluice bench} use them:
 * the same configuration file that starts a server reaches it.
 */
public final class SluiceClients {
  private SluiceClients() {
  }

  /**
   * A client for {@code transport.type} with that transport's settings.
   *
   * @throws ConfigException when no loaded plugin provides the transport
   */
  public static EventClient open(SluiceConfig config, Plugins plugins, Path baseDirectory) {
    return open(config, plugins, baseDirectory, new SimpleMeterRegistry());
  }

  public static EventClient open(SluiceConfig config, Plugins plugins, Path baseDirectory,
      MeterRegistry metrics) {
    return open(config, plugins, baseDirectory, metrics, Optional.empty());
  }

  /** A client that presents {@code credentials} to a server that requires authentication. */
  public static EventClient open(SluiceConfig config, Plugins plugins, Path baseDirectory,
      MeterRegistry metrics, Optional<Credentials> credentials) {
    List<ConfigProblem> problems = new ArrayList<>(0);
    Transport transport = TransportResolver.resolve(config, plugins, problems);
    if (transport == null) {
      throw new ConfigException("configuration", problems);
    }
    return transport.createClient(TransportResolver.context(config, baseDirectory, metrics,
        Authenticator.none(), credentials));
  }
}
