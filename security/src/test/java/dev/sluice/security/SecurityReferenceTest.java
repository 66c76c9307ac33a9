package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The key reference at the end of docs/security.md is generated from SecurityConfig. */
class SecurityReferenceTest {
  static final String MARKER = "<!-- Generated from SecurityConfig; regenerate with: mvn -B -o -q"
      + " -pl security test -Dtest=SecurityReferenceTest -Dsluice.docs.write=true -->";

  static String reference() {
    StringBuilder sb = new StringBuilder(MARKER).append("\n\n");
    for (ConfigDef def : SecurityConfig.DEFS) {
      sb.append(def.toMarkdown()).append('\n');
    }
    return sb.toString();
  }

  @Test
  void docsCarryTheCurrentReference() throws Exception {
    Path doc = Path.of("..", "docs", "security.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int at = text.indexOf(MARKER);
    if (Boolean.getBoolean("sluice.docs.write")) {
      String head = at < 0 ? text + "\n## Reference\n\n" : text.substring(0, at);
      Files.writeString(doc, head + reference(), StandardCharsets.UTF_8);
      text = Files.readString(doc, StandardCharsets.UTF_8);
      at = text.indexOf(MARKER);
    }
    assertThat(at).as("docs/security.md has no generated reference; regenerate it with the"
        + " command in SecurityReferenceTest.MARKER").isNotNegative();
    assertThat(text.substring(at)).as("docs/security.md is out of date with SecurityConfig;"
        + " regenerate it with the command in SecurityReferenceTest.MARKER")
        .isEqualTo(reference());
  }
}
