package dev.sluice.cli.internal;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sluice completion}: prints the bash and zsh completion script. The distribution ships
 * its output as {@code bin/sluice_completion}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = {"Prints a bash/zsh completion script for sluice.",
        "Use it with: source <(sluice completion)",
        "(the distribution also ships it as bin/sluice_completion)."})
public final class CompletionCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
