package dev.sluice.cli;

import dev.sluice.cli.internal.CommandFactory;
import dev.sluice.cli.internal.ErrorHandler;
import dev.sluice.cli.internal.Logging;
import dev.sluice.cli.internal.SluiceCommand;
import picocli.CommandLine;

/**
 * The {@code sluice} command: {@code serve}, {@code send}, {@code bench}, {@code config check},
 * {@code plugins}, {@code version} and {@code completion}. See {@code docs/cli.md}.
 *
 * <p>{@link #main} is the distribution's entry point ({@code bin/sluice} runs it); it exits with
 * one of the {@link ExitCodes}. Tests and embedders call {@link #commandLine} and
 * {@code execute(args)}, which returns the exit code instead.
 */
public final class Sluice {
  private Sluice() {
  }

  public static void main(String[] args) {
    int code = commandLine(CliContext.system()).execute(args);
    Logging.flush();
    System.exit(code);
  }

  /**
   * The command line with its subcommands, reading standard input and signals from
   * {@code context}. Set its output streams with {@code setOut}/{@code setErr}.
   */
  public static CommandLine commandLine(CliContext context) {
    CommandLine cli = new CommandLine(SluiceCommand.class, new CommandFactory(context));
    cli.setExecutionExceptionHandler(new ErrorHandler());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // "--data @FILE" is ours: picocli must not expand @FILE into arguments itself
    cli.setExpandAtFiles(false);
    return cli;
  }
}
