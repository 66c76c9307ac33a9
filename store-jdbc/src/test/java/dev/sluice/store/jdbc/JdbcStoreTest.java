package dev.sluice.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import dev.sluice.spi.Admission;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade and its configuration, on embedded H2. */
class JdbcStoreTest {

  @Test
  void defaultsToAnEmbeddedH2FileUnderTheDataDirectory(@TempDir Path data) throws Exception {
    try (JdbcStore store = JdbcStore.open(Settings.empty("store"), data, "solo",
        new SimpleMeterRegistry())) {
      assertThat(store.describe()).startsWith("h2 jdbc:h2:file:").contains("schema v2")
          .contains("durability log");
      assertThat(EventStoreContract.join(store.eventStore()
          .admit(EventStoreContract.event("1"))).kind()).isEqualTo(Admission.Kind.NEW);
    }
    assertThat(Files.exists(data.resolve(JdbcStoreConfig.H2_FILE + ".mv.db"))).isTrue();
  }

  @Test
  void neverShowsThePassword(@TempDir Path data) {
    String password = "pw-" + UUID.randomUUID();
    String url = "jdbc:h2:file:" + data.resolve("db") + ";PASSWORD=" + password;
    assertThat(dev.sluice.store.jdbc.internal.JdbcUrls.mask(url)).doesNotContain(password)
        .endsWith(";PASSWORD=[hidden]");
    assertThat(dev.sluice.store.jdbc.internal.JdbcUrls.mask(
        "jdbc:mysql://sluice:" + password + "@db:3306/x?password=" + password))
        .doesNotContain(password);
    try (JdbcStore store = JdbcStore.open(Settings.of(Map.of(
            "url", "jdbc:h2:file:" + data.resolve("db"), "user", "sluice",
            "password", Secret.of(password))), data, "masked", new SimpleMeterRegistry())) {
      assertThat(store.describe()).doesNotContain(password).contains("as sluice");
    }
  }

  @Test
  void reportsEveryProblemOfTheSectionAtOnce() {
    Settings bad = Settings.of(Map.of("pool-size", 0, "durability", "fsync",
        "connection-timeout", "10ms", "group-commit", Map.of("writers", 0),
        "table-source", Map.of("table", "outbox; DROP TABLE x"), "colour", "blue"));
    assertThatThrownBy(() -> JdbcStoreConfig.from(bad, Path.of(".")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pool-size").hasMessageContaining("durability")
        .hasMessageContaining("connection-timeout").hasMessageContaining("writers")
        .hasMessageContaining("table").hasMessageContaining("colour");
  }

  @Test
  void failsFastNamingTheDatabaseWhenItIsUnreachable(@TempDir Path data) {
    long start = System.nanoTime();
    assertThatThrownBy(() -> JdbcStore.open(Settings.of(Map.of(
            "url", "jdbc:postgresql://127.0.0.1:1/nothing", "user", "sluice",
            "password", Secret.of("secret-pw"))), data, "down", new SimpleMeterRegistry()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nothing")
        .hasMessageContaining("cannot connect as 'sluice'")
        .hasMessageNotContaining("secret-pw");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void refusesAnUnsupportedDatabase(@TempDir Path data) {
    assertThatThrownBy(() -> JdbcStore.open(Settings.of(Map.of("url", "jdbc:oracle:thin:@x")),
        data, "x", new SimpleMeterRegistry()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mysql://").hasMessageContaining("jdbc:postgresql://");
  }
}
