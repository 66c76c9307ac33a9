package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class MariaDbServiceTest {
  private final MariaDbService mariadb = MariaDbService.get();

  @Test
  void answersSelectOne() throws SQLException {
    try (Connection connection = mariadb.connect();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("select 1")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void newDatabasesAreIsolatedAndDroppedOnClose() throws SQLException {
    String firstName;
    try (TestDatabase first = mariadb.newDatabase(); TestDatabase second = mariadb.newDatabase()) {
      firstName = first.name();
      assertThat(first.name()).startsWith("sluice_test_").isNotEqualTo(second.name());
      try (Connection a = first.connect(); Statement s = a.createStatement()) {
        s.execute("create table marker (id int primary key)");
        s.execute("insert into marker values (1)");
      }
      try (Connection b = second.connect(); Statement s = b.createStatement();
          ResultSet tables = s.executeQuery("show tables")) {
        assertThat(tables.next()).as("tables in the second database").isFalse();
      }
      try (Connection a = first.connect(); Statement s = a.createStatement();
          ResultSet db = s.executeQuery("select database()")) {
        db.next();
        assertThat(db.getString(1)).isEqualTo(first.name());
      }
      first.close();
      first.close(); // idempotent
    }
    try (Connection connection = mariadb.connect(); Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery("show databases like '" + firstName + "'")) {
      assertThat(rows.next()).as("dropped database still listed").isFalse();
    }
  }
}
