package dev.sluice.testkit;

import dev.sluice.testkit.internal.JdbcEndpoint;
import dev.sluice.testkit.internal.UniqueNames;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database a test can connect to: a shared server's base database ({@link MariaDbService},
 * {@link PostgresService}) or one made for a single test ({@link TestDatabase}).
 */
public abstract class JdbcDatabase {
  private final JdbcEndpoint endpoint;

  JdbcDatabase(JdbcEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  public String jdbcUrl() {
    return endpoint.url();
  }

  public String user() {
    return endpoint.user();
  }

  public String password() {
    return endpoint.password();
  }

  /** How the server was found, e.g. "local service" or "environment SLUICE_TEST_MARIADB_URL". */
  public String origin() {
    return endpoint.origin();
  }

  /** A new connection to this database; the caller closes it. */
  public Connection connect() throws SQLException {
    return endpoint.connect();
  }

  final JdbcEndpoint endpoint() {
    return endpoint;
  }

  /**
   * Creates {@code sluice_test_<random>} with {@code CREATE DATABASE <name><options>} on this
   * server; the returned database runs {@code dropStatements} when closed.
   */
  final TestDatabase createDatabase(String options, String... dropStatements) {
    String name = UniqueNames.next("sluice_test_");
    try (Connection connection = endpoint.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name + options);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name + " on "
          + endpoint + ": " + e.getMessage(), e);
    }
    String[] drops = new String[dropStatements.length];
    for (int i = 0; i < drops.length; i++) {
      drops[i] = dropStatements[i].replace("{name}", name);
    }
    return new TestDatabase(name, endpoint.withDatabase(name), endpoint, drops);
  }
}
