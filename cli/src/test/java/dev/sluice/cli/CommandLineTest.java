package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What every command shares: help, version, usage errors and their exit code. */
class CommandLineTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "serve", "send", "bench", "config", "config check", "plugins",
      "version", "completion", "user", "user add", "user list", "user remove", "user passwd",
      "user roles", "dlq", "dlq list", "dlq show", "dlq replay", "dlq purge"})
  void everyCommandHasHelp(String command) {
    String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");

    CliRun run = CliRun.run(args);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: sluice" + (command.isEmpty() ? "" : " " + command))
        .contains("-h, --help");
  }

  @Test
  void topLevelHelpListsTheCommandsAndTheExitCodes() {
    CliRun run = CliRun.run("--help");

    assertThat(run.out()).contains("serve", "send", "bench", "config", "plugins", "version")
        .contains("Exit codes:").contains("3  the server could not be reached");
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun run = CliRun.run();

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("Missing command").contains("serve");
  }

  @Test
  void anUnknownOptionIsAUsageErrorThatSuggestsTheKnownOnes() {
    CliRun run = CliRun.run("send", "--type", "x", "--colour", "red");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("Unknown options: '--colour', 'red'")
        .contains("Possible solutions: --config, --content-type");
  }

  @Test
  void versionPrintsTheBuildVersionAndTheJavaRuntime() {
    CliRun run = CliRun.run("version");
    CliRun flag = CliRun.run("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("sluice 0.1.0-SNAPSHOT (Java " + System.getProperty(
        "java.version"));
    assertThat(flag.out()).isEqualTo(run.out());
  }

  @Test
  void completionPrintsABashScriptForEveryCommand() {
    CliRun run = CliRun.run("completion");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("complete -F").contains("serve").contains("bench")
        .contains("--concurrency").contains("--config");
  }
}
