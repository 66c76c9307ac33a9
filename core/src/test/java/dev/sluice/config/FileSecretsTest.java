package dev.sluice.config;

import static dev.sluice.config.ConfigTesting.parse;
import static dev.sluice.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSecretsTest {
  @TempDir
  Path dir;

  @Test
  void readsAValueFromAFileWithoutItsFinalLineBreak() throws Exception {
    Path secret = dir.resolve("db-password");
    Files.writeString(secret, "s3cret pass\n");
    Path user = dir.resolve("db-user");
    Files.writeString(user, "app\r\n");

    SluiceConfig config = parse("""
        store:
          user: ${file:%s}
          url: jdbc:mysql://${file:%s}:${file:%s}@db/sluice
        """.formatted(user, user, secret));

    assertThat(config.store().string("user")).hasValue("app");
    assertThat(config.store().secret("url").orElseThrow().reveal())
        .isEqualTo("jdbc:mysql://app:s3cret pass@db/sluice");
  }

  @Test
  void masksValuesFromFilesInDumpsWhateverTheirKey() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "tok-123\n");

    SluiceConfig config = parse("""
        transport:
          type: memory
          memory: {address: "${file:%s}"}
        admin:
          banner: hello-${file:%s}
          plain: visible
        """.formatted(token, token));

    assertThat(config.transport().settings().string("address")).hasValue("tok-123");
    assertThat(config.toYaml()).doesNotContain("tok-123").contains("address: '[hidden]'")
        .contains("banner: '[hidden]'").contains("plain: visible");
    assertThat(config.admin().toString()).doesNotContain("tok-123");
    assertThat(config.admin().secret("banner").orElseThrow().toString()).isEqualTo("[hidden]");
  }

  @Test
  void reportsAMissingFileWithKeyAndLine() {
    Path missing = dir.resolve("nope");

    assertThat(problems("admin:\n  password: ${file:" + missing + "}\n  empty: ${file:}\n"))
        .containsExactly(
            "line 2: admin.password: the file '" + missing + "' of ${file:" + missing
                + "} does not exist; create it or correct the path",
            "line 3: admin.empty: '${file:}' names no file: write ${file:/path/to/secret}");
  }

  @Test
  void refusesAFileTooLargeToBeASecret() throws Exception {
    Path big = dir.resolve("big.log");
    Files.write(big, new byte[64 * 1024 + 1]);

    assertThat(problems("admin:\n  key: ${file:" + big + "}\n")).containsExactly(
        "line 2: admin.key: the file '" + big + "' of ${file:" + big + "} is larger than 65536"
            + " bytes; it should hold only the secret");
  }

  @Test
  void keepsALiteralWrittenWithADoubleDollar() {
    assertThat(parse("admin:\n  a: $${file:/etc/passwd}\n", Map.of()).admin().string("a"))
        .hasValue("${file:/etc/passwd}");
  }
}
