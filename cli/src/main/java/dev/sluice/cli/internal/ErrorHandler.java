package dev.sluice.cli.internal;

import dev.sluice.cli.ExitCodes;
import dev.sluice.config.ConfigException;
import dev.sluice.event.InvalidEventException;
import dev.sluice.plugin.PluginLoadException;
import dev.sluice.security.UserAdminException;
import dev.sluice.store.jdbc.StoreException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns what a command throws into a message on standard error and an exit code: configuration,
 * plugin and usage problems exit 2 with their message alone; anything else is unexpected and
 * exits 1 with its stack trace.
 */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd,
      CommandLine.ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    if (e instanceof ConfigException) {
      err.println(name + ": invalid configuration: " + e.getMessage());
      err.println("Fix the file and run '" + cmd.getCommandSpec().root().name()
          + " config check' to see that it is valid.");
      err.flush();
      return ExitCodes.USAGE;
    }
    if (e instanceof PluginLoadException) {
      err.println(name + ": a plugin could not be loaded: " + e.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    if (e instanceof StoreException) {
      err.println(name + ": the store is unavailable: " + e.getMessage()
          + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
      err.println("Check store.url and that the database is up; with the embedded H2 store,"
          + " only one process may open it at a time.");
      err.flush();
      return ExitCodes.UNAVAILABLE;
    }
    if (e instanceof UserAdminException) {
      err.println(name + ": " + e.getMessage());
      err.flush();
      return ExitCodes.RESULT_ERROR;
    }
    if (e instanceof UsageException || e instanceof InvalidEventException) {
      err.println(name + ": " + e.getMessage());
      err.println("See '" + name + " --help'.");
      err.flush();
      return ExitCodes.USAGE;
    }
    err.println(name + ": unexpected failure: " + e);
    e.printStackTrace(err);
    err.flush();
    return ExitCodes.RESULT_ERROR;
  }
}
