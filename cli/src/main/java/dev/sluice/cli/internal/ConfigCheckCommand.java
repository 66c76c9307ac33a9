package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.config.SluiceConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sluice config check}: validates the file, then checks it against the installed plugins
 * (processors, transport and its section, store, security) without starting anything, and
 * prints the effective configuration with secrets masked.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = {"Validates the configuration file against the installed plugins, and prints"
        + " the effective configuration (defaults filled in, secrets masked).",
        "Every problem is reported at once, with its line and key path. Exit 0 when valid,"
            + " 2 otherwise."})
public final class ConfigCheckCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOption config;

  ConfigCheckCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Logging.quietUnlessAsked(context.environment());
    Path file = config.file(context);
    SluiceConfig loaded = config.load(context);
    ServerAssembly.check(loaded, context);
    spec.commandLine().getOut().print(loaded.toYaml());
    spec.commandLine().getOut().flush();
    spec.commandLine().getErr().println(file + ": valid");
    spec.commandLine().getErr().flush();
    return 0;
  }
}
