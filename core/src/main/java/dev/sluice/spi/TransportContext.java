package dev.sluice.spi;

import dev.sluice.config.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

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
}
