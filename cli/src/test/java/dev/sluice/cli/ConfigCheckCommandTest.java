package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice config check}. */
class ConfigCheckCommandTest {
  @TempDir
  Path directory;

  @Test
  void aValidFilePrintsTheEffectiveConfigurationAndExitsZero() throws Exception {
    Path file = TestConfigs.write(directory, TestConfigs.yaml("check-valid", directory));

    CliRun run = CliRun.run("config", "check", "-c", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("address: check-valid")
        .contains("concurrency: 8") // a default filled in
        .contains("name: echo");
    assertThat(run.err()).contains(file + ": valid");
  }

  @Test
  void secretsAreMaskedInThePrintedConfiguration() throws Exception {
    Path file = TestConfigs.write(directory, TestConfigs.yaml("check-secrets", directory)
        + "store:\n  url: jdbc:mysql://app:s3cr3t-in-url@db.example:3306/sluice\n"
        + "  password: s3cr3t-value\n");

    CliRun run = CliRun.run("config", "check", "-c", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).doesNotContain("s3cr3t").contains("db.example:3306");
  }

  @Test
  void aMisspelledKeyExitsTwoNamingTheKeyTheLineAndTheRightSpelling() throws Exception {
    Path file = directory.resolve("typo.yaml");
    Files.writeString(file, """
        server:
          name: typo
        processors:
          - name: echo
            types: [example.echo]
            concurrrency: 4
        """);

    CliRun run = CliRun.run("config", "check", "-c", file.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("line 6").contains("processors[0].concurrrency")
        .contains("did you mean 'concurrency'");
  }

  @Test
  void aProcessorNoPluginProvidesExitsTwoListingWhatIsLoaded() throws Exception {
    Path file = TestConfigs.write(directory, TestConfigs.yaml("check-unknown", directory)
        + "  - name: nope\n    types: [nope.*]\n");

    CliRun run = CliRun.run("config", "check", "-c", file.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("processors[3].processor")
        .contains("no processor named 'nope' is loaded").contains("echo");
  }

  @Test
  void anInvalidTransportSectionExitsTwo() throws Exception {
    Path file = TestConfigs.write(directory, TestConfigs.yaml("check-transport", directory)
        .replace("    address: check-transport", "    address: check-transport\n    adress: x"));

    CliRun run = CliRun.run("config", "check", "-c", file.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("transport.memory.adress");
  }
}
