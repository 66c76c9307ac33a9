package dev.sluice.testkit;

import dev.sluice.testkit.internal.JdbcEndpoint;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fresh database named {@code sluice_test_<random>}, created for one test and dropped by
 * {@link #close()}. Close every connection to it first.
 *
 * <pre>{@code
 * try (TestDatabase db = MariaDbService.get().newDatabase();
 *      Connection connection = db.connect()) {
 *   connection.createStatement().execute("create table t (id int primary key)");
 * }
 * }</pre>
 */
public final class TestDatabase extends JdbcDatabase implements AutoCloseable {
  private final String name;
  private final JdbcEndpoint admin;
  private final String[] dropStatements;
  private final AtomicBoolean closed = new AtomicBoolean();

  TestDatabase(String name, JdbcEndpoint endpoint, JdbcEndpoint admin, String... dropStatements) {
    super(endpoint);
    this.name = name;
    this.admin = admin;
    this.dropStatements = dropStatements.clone();
  }

  /** The database's name, e.g. {@code sluice_test_3fa9c01b22de}. */
  public String name() {
    return name;
  }

  /** Drops the database; only the first call does anything. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try (Connection connection = admin.connect(); Statement statement = connection.createStatement()) {
      for (String sql : dropStatements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test database " + name + " at "
          + admin.url() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return name + " (" + jdbcUrl() + ")";
  }
}
