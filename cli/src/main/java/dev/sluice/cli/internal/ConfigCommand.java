package dev.sluice.cli.internal;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice config}: holds {@code check}. */
@Command(name = "config", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = "Works with the configuration file.",
    subcommands = ConfigCheckCommand.class)
public final class ConfigCommand implements Runnable {
  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
