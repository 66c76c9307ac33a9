package dev.sluice.benchmarks;

import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The databases the store benchmarks run on: an H2 file in a temporary directory, or a fresh
 * database {@code sluice_bench_<random>} on the MariaDB/MySQL server named by
 * {@code -Dsluice.bench.mysql.url} (default {@value #MYSQL_DEFAULT}, user
 * {@code -Dsluice.bench.mysql.user}, default root, empty password), dropped afterwards.
 */
final class StoreDatabases {
  static final String MYSQL_DEFAULT = "jdbc:mysql://127.0.0.1:3306/test";

  /** One database for one benchmark run. */
  static final class Target implements AutoCloseable {
    final String url;
    final String user;
    final String password;
    private final Runnable drop;

    Target(String url, String user, String password, Runnable drop) {
      this.url = url;
      this.user = user;
      this.password = password;
      this.drop = drop;
    }

    Settings storeSettings(int poolSize) {
      return storeSettings(poolSize, 0);
    }

    /** With {@code writers} group-commit writers, or the default when 0. */
    Settings storeSettings(int poolSize, int writers) {
      Map<String, Object> values = new HashMap<>();
      if (writers > 0) {
        values.put("group-commit", Map.of("writers", writers));
      }
      values.put("url", url);
      values.put("user", user);
      values.put("password", Secret.of(password));
      values.put("pool-size", poolSize);
      return Settings.of(values);
    }

    Connection connect() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    @Override
    public void close() {
      drop.run();
    }
  }

  private StoreDatabases() {
  }

  static Target create(String db) throws IOException, SQLException {
    switch (db) {
      case "h2": {
        Path dir = Files.createTempDirectory("sluice-bench-h2");
        return new Target("jdbc:h2:file:" + dir.resolve("bench"), "sa", "", () -> { });
      }
      case "mariadb": {
        String base = System.getProperty("sluice.bench.mysql.url", MYSQL_DEFAULT);
        String user = System.getProperty("sluice.bench.mysql.user", "root");
        String password = System.getProperty("sluice.bench.mysql.password", "");
        String name = "sluice_bench_" + UUID.randomUUID().toString().replace("-", "")
            .substring(0, 12);
        try (Connection c = DriverManager.getConnection(base, user, password);
            Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
        }
        String url = base.substring(0, base.lastIndexOf('/') + 1) + name;
        return new Target(url, user, password, () -> {
          try (Connection c = DriverManager.getConnection(base, user, password);
              Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
          } catch (SQLException e) {
            System.err.println("could not drop " + name + ": " + e.getMessage());
          }
        });
      }
      default:
        throw new IllegalArgumentException("unknown database '" + db + "': h2 or mariadb");
    }
  }
}
