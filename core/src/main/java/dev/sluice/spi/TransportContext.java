package dev.sluice.spi;

import dev.sluice.config.DependencyPolicy;
import dev.sluice.config.Settings;
import dev.sluice.resilience.DependencyGuard;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Optional;

/** What the engine gives a {@link Transport} or {@link EventSourceFactory}. */
public interface TransportContext {

  /** The server's name ({@code server.name}). */
  String serverName();

  /** This transport's section of the configuration, e.g. {@code transport.netty}. */
  Settings settings();

  /** The server's data directory, for generated certificates and other local state. */
  Path dataDirectory();

  /** The server's meter registry. */
  MeterRegistry metrics();

  /** The {@code security} section of the configuration: TLS material, users, access rules. */
  default Settings security() {
    return Settings.empty("security");
  }

  /** Checks callers, for transports that authenticate them themselves (netty's handshake). */
  default Authenticator authenticator() {
    return Authenticator.none();
  }

  /** What a client presents when the server requires authentication; empty for anonymous. */
  default Optional<Credentials> credentials() {
    return Optional.empty();
  }

  /**
   * A circuit breaker and call timeout for an outbound dependency of this transport, such as
   * its publisher, configured from {@code resilience.outbound}. In a server it is reported in
   * readiness and metrics under {@code name}; asking twice for one name gives the same guard.
   */
  default DependencyGuard dependency(String name) {
    return DependencyGuard.of(name, DependencyPolicy.DEFAULT);
  }
}
