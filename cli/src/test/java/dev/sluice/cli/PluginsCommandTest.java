package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice plugins}. */
class PluginsCommandTest {
  @TempDir
  Path directory;

  @Test
  void listsWhatIsFoundWithWhereItCameFromAndTheRoutedTypes() throws Exception {
    Path file = TestConfigs.write(directory, TestConfigs.yaml("plugins-list", directory));

    CliRun run = CliRun.run("plugins", "-c", file.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("transports:")
        .containsPattern("memory +dev\\.sluice\\.memory\\.InMemoryTransport +\\S*core\\S*")
        .contains("processors:")
        .containsPattern("echo +dev\\.sluice\\.examples\\.echo\\.EchoProcessor +\\S*echo\\S*")
        .containsPattern("flaky +dev\\.sluice\\.examples\\.flaky\\.FlakyProcessor")
        .contains("sources:").contains("(none)")
        .contains("event types (" + file + "):")
        .containsPattern("example\\.echo +-> echo")
        .containsPattern("test\\.slow +-> slow");
  }
}
