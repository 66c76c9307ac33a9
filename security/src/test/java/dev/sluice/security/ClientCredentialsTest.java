package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.spi.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCredentialsTest {
  @TempDir
  Path data;

  private static String password(Credentials c) {
    return new String(c.password());
  }

  @Test
  void usesTheFirstStartPasswordFileWhenGivenNothing() throws Exception {
    Files.writeString(data.resolve("initial-admin-password"), "s3cret-from-first-start\n");

    Credentials c = ClientCredentials.resolve(Optional.empty(), Optional.empty(), Map.of(), data)
        .orElseThrow();

    assertThat(c.username()).isEqualTo("admin");
    assertThat(password(c)).isEqualTo("s3cret-from-first-start");
  }

  @Test
  void isAnonymousWithoutOptionsOrFile() {
    assertThat(ClientCredentials.resolve(Optional.empty(), Optional.empty(), Map.of(), data))
        .isEmpty();
  }

  @Test
  void takesTheUsersPasswordFromThePasswordFileBeforeTheEnvironment() throws Exception {
    Path file = data.resolve("alice.pw");
    Files.writeString(file, "from-file\r\nsecond line ignored\n");

    Credentials c = ClientCredentials.resolve(Optional.of("alice"), Optional.of(file),
        Map.of("SLUICE_PASSWORD", "from-env"), data).orElseThrow();

    assertThat(c.username()).isEqualTo("alice");
    assertThat(password(c)).isEqualTo("from-file");
  }

  @Test
  void takesTheUsersPasswordFromTheEnvironment() throws Exception {
    Files.writeString(data.resolve("initial-admin-password"), "admin-pw\n");

    Credentials c = ClientCredentials.resolve(Optional.of("alice"), Optional.empty(),
        Map.of("SLUICE_PASSWORD", "from-env"), data).orElseThrow();

    assertThat(c.username()).isEqualTo("alice");
    assertThat(password(c)).isEqualTo("from-env");
    assertThat(c.toString()).doesNotContain("from-env");
  }

  @Test
  void explainsOptionsThatDoNotFitTogether() throws Exception {
    Path empty = data.resolve("empty.pw");
    Files.writeString(empty, "\n");

    assertThatThrownBy(() -> ClientCredentials.resolve(Optional.of("alice"), Optional.empty(),
        Map.of(), data)).hasMessage("--user alice needs a password: set the environment variable"
            + " SLUICE_PASSWORD or pass --password-file FILE");
    assertThatThrownBy(() -> ClientCredentials.resolve(Optional.empty(), Optional.of(empty),
        Map.of(), data)).hasMessage("--password-file needs --user NAME to say whose password"
            + " it is");
    assertThatThrownBy(() -> ClientCredentials.resolve(Optional.of("alice"), Optional.of(empty),
        Map.of(), data)).hasMessage("--password-file " + empty + " is empty; its first line must"
            + " be the password");
    assertThatThrownBy(() -> ClientCredentials.resolve(Optional.of("alice"),
        Optional.of(data.resolve("missing")), Map.of(), data))
        .hasMessage("--password-file " + data.resolve("missing") + " does not exist");
  }
}
