package dev.sluice.internal.config;

import dev.sluice.config.ConfigDef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates {@code docs/configuration.md} from the key declarations, so the reference cannot
 * drift from the code. {@code ConfigReferenceTest} fails when the file is stale and says how to
 * regenerate it.
 */
public final class ConfigReference {
  /** The command that rewrites the reference; quoted in the file and in the failing test. */
  public static final String REGENERATE = "mvn -B -o -q -pl core test"
      + " -Dtest=ConfigReferenceTest -Dsluice.docs.write=true";

  private ConfigReference() {}

  /** The whole reference, as Markdown. */
  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Configuration reference\n\n");
    sb.append("<!-- Generated from the key declarations in sluice-core; do not edit by hand.\n"
        + "     Regenerate with: ").append(REGENERATE).append(" -->\n\n");
    sb.append("""
        Sluice reads one YAML file, `conf/sluice.yaml`. An empty file is valid: every key has a \
        default or belongs to a section that is optional. Keys are written in kebab-case.

        - **Environment variables.** In any value, `${NAME}` is replaced by the variable \
        `NAME` and `${NAME:-default}` falls back to `default` when `NAME` is unset or empty. \
        An unset variable without a default is an error. Write `$${` for a literal `${`.
        - **Secrets from files.** `${file:/run/secrets/db-password}` is replaced by the \
        content of that file without its final line break (relative paths start at the \
        working directory). A missing file is an error; a value that uses a file is masked \
        wherever the configuration is printed.
        - **Durations** are written `500ms`, `30s`, `5m`, `1h`, `2d`, combined as `1m30s`, or \
        in ISO-8601 (`PT30S`). A bare number is an error, since its unit would be a guess.
        - **Event type patterns** are an exact type (`orders.created`), a prefix ending in \
        `.*` (`orders.*`), or `*` for every type.
        - **Errors.** Every problem in the file is reported at once, each with its line, its \
        key path (such as `processors[1].timeout`), what was wrong and what was expected; a \
        misspelt key gets a suggestion. `sluice config check` prints the effective \
        configuration with secrets masked.

        Sections marked *map* are free-form here and checked by their owner (a transport, \
        the store, the security module) with the same kind of messages.

        """);
    for (ConfigDef def : CoreConfigDefs.ALL) {
      sb.append(def.toMarkdown()).append('\n');
    }
    return sb.toString().stripTrailing() + "\n";
  }

  /** Writes the reference to {@code args[0]}, or {@code docs/configuration.md}. */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    Files.writeString(target, markdown(), StandardCharsets.UTF_8);
  }
}
