package dev.sluice.cli.internal;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code sluice} command itself: it only holds the subcommands. */
@Command(name = "sluice", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = "Sluice: an event-driven processing server. Run a server with 'serve', talk to"
        + " it with 'send' and 'bench'.",
    subcommands = {ServeCommand.class, SendCommand.class, BenchCommand.class,
        ConfigCommand.class, PluginsCommand.class, UserCommand.class, DlqCommand.class,
        VersionCommand.class, CompletionCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {"  0  success",
        "  1  the result was an error or a rejection (or an unexpected failure)",
        "  2  bad usage or invalid configuration",
        "  3  the server could not be reached, or answered UNAVAILABLE",
        "",
        "See docs/cli.md for every command, with examples."})
public final class SluiceCommand implements Runnable {
  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }
}
