package dev.sluice.store.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DialectTest {
  private static final List<Dialect> ALL = List.of(new H2Dialect(), new MySqlDialect(),
      new PostgresDialect());

  @Test
  void statementsAreBuiltFromPlainIdentifiersWithValuesAsParameters() {
    for (Dialect d : ALL) {
      String sql = d.insertIfAbsent("sluice_locks", List.of("name", "token"), List.of("?", "?"));
      assertThat(sql).as(d.name()).contains("sluice_locks", "name", "token", "?");
    }
  }

  @Test
  void aNameThatIsNotAPlainIdentifierIsRefused() {
    for (Dialect d : ALL) {
      assertThatThrownBy(() -> d.insertIfAbsent("t; DROP TABLE x", List.of("a"), List.of("?")))
          .as(d.name()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a plain table name");
      assertThatThrownBy(() -> d.upsert("t", List.of("a", "b) --"), List.of("?", "?")))
          .as(d.name()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a plain column name");
      assertThatThrownBy(() -> d.insert("t", List.of("a'"), List.of("?")))
          .as(d.name()).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
