package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class PostgresServiceTest {
  private final PostgresService postgres = PostgresService.get();

  @Test
  void answersSelectOne() throws SQLException {
    try (Connection connection = postgres.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select 1")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void newDatabaseIsEmptyAndDroppedEvenWithAConnectionOpen() throws SQLException {
    String name;
    try (TestDatabase db = postgres.newDatabase()) {
      name = db.name();
      Connection leaked = db.connect();
      try (Statement s = leaked.createStatement();
          ResultSet rows = s.executeQuery("select current_database(), count(*) from "
              + "information_schema.tables where table_schema = 'public'")) {
        rows.next();
        assertThat(rows.getString(1)).isEqualTo(name);
        assertThat(rows.getInt(2)).isZero();
      }
    }
    try (Connection connection = postgres.connect(); Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery(
            "select count(*) from pg_database where datname = '" + name + "'")) {
      rows.next();
      assertThat(rows.getInt(1)).isZero();
    }
  }
}
