package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceClients;
import dev.sluice.plugin.Plugins;
import dev.sluice.security.ClientCredentials;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.EventClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Who {@code send} and {@code bench} say they are: {@code --user} with the password from
 * {@code SLUICE_PASSWORD} or {@code --password-file}; without them, the first-start admin
 * password in the data directory when it is readable (same machine, same account); otherwise
 * nobody. Passwords are never taken from arguments, which other local users can read.
 */
public final class ClientOptions {
  @Option(names = {"-u", "--user"}, paramLabel = "NAME",
      description = "Log in as this user; the password comes from the environment variable"
          + " SLUICE_PASSWORD or from --password-file. Without it, the first-start admin"
          + " password in the data directory is used when readable.")
  private String user;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "A file whose first line is the password of --user.")
  private Path passwordFile;

  /** The credentials to present, if any. */
  public Optional<Credentials> credentials(SluiceConfig config, CliContext context) {
    try {
      return ClientCredentials.resolve(Optional.ofNullable(user), Optional.ofNullable(passwordFile),
          context.environment(), ServerAssembly.dataDirectory(config, context));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /** A client of the configured transport presenting {@code credentials}. */
  public static EventClient open(SluiceConfig config, Plugins plugins, CliContext context,
      Optional<Credentials> credentials) {
    return SluiceClients.open(config, plugins, context.baseDirectory(), new SimpleMeterRegistry(),
        credentials);
  }
}
