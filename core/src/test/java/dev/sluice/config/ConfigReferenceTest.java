package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.internal.config.ConfigReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from the declarations; this keeps it current. */
class ConfigReferenceTest {

  @Test
  void docsConfigurationMdMatchesDeclarations() throws IOException {
    Path doc = repositoryRoot().resolve("docs").resolve("configuration.md");
    String generated = ConfigReference.markdown();
    if (Boolean.getBoolean("sluice.docs.write")) {
      ConfigReference.main(new String[] {doc.toString()});
    }

    String onDisk = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";

    assertThat(onDisk)
        .as("docs/configuration.md is out of date with the key declarations; regenerate it"
            + " with: %s", ConfigReference.REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void referenceDocumentsEveryCoreSection() {
    assertThat(ConfigReference.markdown())
        .contains("## `server`", "## `transport`", "## `processors[]`", "## `routes[]`",
            "| `drain-timeout` | duration | `30s` |",
            "| `ordering` | one of: none, partition-key | `none` |");
  }

  /** Surefire runs in core/; an IDE may run in the repository root. */
  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("core").resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the repository root from "
          + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
