package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice user} against the store of the configuration: embedded H2 in a temp directory. */
class UserCommandTest {
  @TempDir
  Path directory;
  private String config;

  @BeforeEach
  void writeConfig() throws Exception {
    config = TestConfigs.write(directory, TestConfigs.yaml("users-test", directory)
        + "security:\n  authentication:\n    hashing: {memory-kib: 1024, iterations: 1}\n")
        .toString();
  }

  @Test
  void addsListsChangesAndRemovesUsersWithPasswordsFromStandardInput() {
    CliRun added = CliRun.runWithStdin("correct horse battery\n", "user", "add", "alice",
        "--role", "admin", "--role", "ops", "-c", config);
    CliRun listed = CliRun.run("user", "list", "-c", config);
    CliRun changed = CliRun.runWithStdin("another long password\n", "user", "passwd", "alice",
        "-c", config);
    CliRun removed = CliRun.run("user", "remove", "alice", "-c", config);
    CliRun after = CliRun.run("user", "list", "-c", config);

    assertThat(added.exitCode()).as("%s", added).isZero();
    assertThat(added.out()).contains("added user 'alice' with roles admin, ops");
    assertThat(listed.out()).contains("alice  admin,ops")
        .contains("admin  admin"); // the first-start admin, as the server would create it
    assertThat(listed.out()).doesNotContain("correct horse");
    assertThat(changed.exitCode()).as("%s", changed).isZero();
    assertThat(removed.exitCode()).isZero();
    assertThat(after.out()).doesNotContain("alice");
  }

  @Test
  void refusalsExitOneAndSayWhy() {
    CliRun tooShort = CliRun.runWithStdin("short\n", "user", "add", "bob", "--role", "admin",
        "-c", config);
    CliRun nobody = CliRun.run("user", "remove", "nobody", "-c", config);

    assertThat(tooShort.exitCode()).isEqualTo(ExitCodes.RESULT_ERROR);
    assertThat(tooShort.err()).contains("password");
    assertThat(nobody.exitCode()).isEqualTo(ExitCodes.RESULT_ERROR);
    assertThat(nobody.err()).contains("no user 'nobody'");
  }

  @Test
  void aPasswordIsNeverTakenFromArgumentsAndAMissingOneIsAUsageError() {
    CliRun noPassword = CliRun.run("user", "add", "carol", "--role", "admin", "-c", config);
    CliRun asArgument = CliRun.run("user", "add", "carol", "hunter2hunter2", "--role", "admin",
        "-c", config);

    assertThat(noPassword.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noPassword.err()).contains("no password");
    assertThat(asArgument.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(asArgument.err()).contains("Unmatched argument");
  }
}
