package dev.sluice.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code server} section.
 *
 * @param name this server's name, in logs and lock owners
 * @param dataDirectory where local state goes (H2 files, generated certificates)
 * @param pluginsDirectory where plugin jars and folders are loaded from
 * @param drainTimeout how long a graceful stop waits for in-flight events
 */
public record ServerConfig(String name, Path dataDirectory, Path pluginsDirectory,
    Duration drainTimeout) {
  public ServerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(pluginsDirectory, "pluginsDirectory");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
  }
}
