package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.config.SluiceConfig;
import dev.sluice.plugin.Plugins;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code -c FILE} option every command shares. Without it, {@code conf/sluice.yaml} under the
 * Sluice home (or the working directory when there is none).
 */
public final class ConfigOption {
  /** The configuration file when {@code -c} is not given, relative to the base directory. */
  public static final Path DEFAULT_FILE = Path.of("conf", "sluice.yaml");

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The configuration file (default: conf/sluice.yaml in the Sluice home"
          + " directory, or in the working directory when not run from a distribution).")
  private Path file;

  /** The file to read, absolute. */
  public Path file(CliContext context) {
    return file != null ? file.toAbsolutePath() : context.baseDirectory().resolve(DEFAULT_FILE);
  }

  /**
   * Reads and validates the file.
   *
   * @throws dev.sluice.config.ConfigException with every problem, each with its key and line
   */
  public SluiceConfig load(CliContext context) {
    return SluiceConfig.load(file(context));
  }

  /** The plugins in the configured plugins directory, and those on the class path. */
  public static Plugins plugins(SluiceConfig config, CliContext context) {
    return Plugins.load(context.baseDirectory().resolve(config.server().pluginsDirectory()));
  }
}
