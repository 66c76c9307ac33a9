package dev.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ConfigDef;
import dev.sluice.security.tls.TlsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings tables of the Netty section of docs/transports.md are generated from the keys. */
class NettyReferenceTest {
  static final String BEGIN = "<!-- Generated from NettySettings.DEF, CLIENT_DEF and"
      + " TlsConfig.DEF; regenerate with: mvn -B -o -q -pl transport-netty test -Dtest=NettyReferenceTest"
      + " -Dsluice.docs.write=true -->";
  static final String END = "<!-- End of the generated Netty settings. -->";

  static String reference() {
    StringBuilder sb = new StringBuilder(BEGIN).append("\n\n");
    for (ConfigDef def : List.of(NettySettings.DEF, NettySettings.CLIENT_DEF)) {
      sb.append('#').append('#').append(def.toMarkdown()).append('\n');
    }
    String tls = TlsConfig.DEF.toMarkdown();
    sb.append("#### `transport.netty.tls`\n\n")
        .append("The shared `tls` section (as in `security.tls`); a key it does not set is taken"
            + " from `security.tls`.\n\n")
        .append(tls.substring(tls.indexOf("| Key |"))).append('\n');
    return sb.append(END).append('\n').toString();
  }

  @Test
  void docsCarryTheCurrentSettings() throws Exception {
    Path doc = Path.of("..", "docs", "transports.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (Boolean.getBoolean("sluice.docs.write") && begin >= 0 && end > begin) {
      text = text.substring(0, begin) + reference() + text.substring(end + END.length() + 1);
      Files.writeString(doc, text, StandardCharsets.UTF_8);
      begin = text.indexOf(BEGIN);
      end = text.indexOf(END);
    }
    assertThat(begin).as("docs/transports.md has no generated Netty settings between the"
        + " markers in NettyReferenceTest").isNotNegative();
    assertThat(text.substring(begin, end + END.length() + 1)).as("docs/transports.md is out"
        + " of date with NettySettings; regenerate it with the command in"
        + " NettyReferenceTest.BEGIN").isEqualTo(reference());
  }
}
