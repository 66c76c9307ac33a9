package dev.sluice.cli.internal;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sluice version}. */
@Command(name = "version", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = "Prints the version of Sluice and of the Java runtime running it.")
public final class VersionCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(SluiceVersion.describe());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
