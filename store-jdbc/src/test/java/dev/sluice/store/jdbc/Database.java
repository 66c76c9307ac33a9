package dev.sluice.store.jdbc;

import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import dev.sluice.testkit.MariaDbService;
import dev.sluice.testkit.PostgresService;
import dev.sluice.testkit.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One empty database for a test class: an H2 file, or a new MariaDB or PostgreSQL database. */
abstract class Database implements AutoCloseable {

  abstract String url();

  @Override
  public abstract void close();

  abstract String user();

  abstract String password();

  /** The column type the test's own tables use for bytes. */
  abstract String blobType();

  /** Ends every session connected to this database except {@code admin}'s; answers how many. */
  abstract int killSessions(Connection admin) throws SQLException;

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), user(), password());
  }

  Settings settings(Map<String, Object> extra) {
    Map<String, Object> values = new HashMap<>();
    values.put("url", url());
    values.put("user", user());
    values.put("password", Secret.of(password()));
    values.putAll(extra);
    return Settings.of(values);
  }

  JdbcStore open(String serverName, Map<String, Object> extra) {
    return open(serverName, extra, new SimpleMeterRegistry());
  }

  JdbcStore open(String serverName, Map<String, Object> extra, MeterRegistry metrics) {
    return JdbcStore.open(settings(extra), Path.of("unused"), serverName, metrics);
  }

  JdbcStore open(String serverName) {
    return open(serverName, Map.of());
  }

  void execute(String sql, Object... params) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.execute();
    }
  }

  long queryLong(String sql, Object... params) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static Database h2() {
    try {
      Path dir = Files.createTempDirectory("sluice-store-h2");
      return new H2(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Database mariaDb() {
    return new Server(MariaDbService.get().newDatabase(), "LONGBLOB") {
      @Override
      int killSessions(Connection admin) throws SQLException {
        List<Long> ids = ids(admin, "SELECT id FROM information_schema.processlist WHERE db = ?"
            + " AND id <> CONNECTION_ID()");
        for (long id : ids) {
          try (Statement s = admin.createStatement()) {
            s.execute("KILL " + id);
          } catch (SQLException gone) {
            // ended by itself meanwhile
          }
        }
        return ids.size();
      }
    };
  }

  static Database postgres() {
    return new Server(PostgresService.get().newDatabase(), "BYTEA") {
      @Override
      int killSessions(Connection admin) throws SQLException {
        List<Long> ids = ids(admin, "SELECT pid FROM pg_stat_activity WHERE datname = ?"
            + " AND pid <> pg_backend_pid()");
        for (long id : ids) {
          try (PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, (int) id);
            ps.execute();
          }
        }
        return ids.size();
      }
    };
  }

  private static final class H2 extends Database {
    private final Path dir;

    H2(Path dir) {
      this.dir = dir;
    }

    @Override
    String url() {
      return "jdbc:h2:file:" + dir.resolve("store").toString().replace('\\', '/');
    }

    @Override
    String user() {
      return "sa";
    }

    @Override
    String password() {
      return "";
    }

    @Override
    String blobType() {
      return "BLOB";
    }

    @Override
    int killSessions(Connection admin) throws SQLException {
      List<Long> ids = new ArrayList<>();
      try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT SESSION_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()")) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      for (long id : ids) {
        try (PreparedStatement ps = admin.prepareStatement("CALL ABORT_SESSION(?)")) {
          ps.setInt(1, (int) id);
          ps.execute();
        }
      }
      return ids.size();
    }

    @Override
    public void close() {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException e) {
        // already closed
      }
    }
  }

  private abstract static class Server extends Database {
    private final TestDatabase db;
    private final String blob;

    Server(TestDatabase db, String blob) {
      this.db = db;
      this.blob = blob;
    }

    @Override
    String url() {
      return db.jdbcUrl();
    }

    @Override
    String user() {
      return db.user();
    }

    @Override
    String password() {
      return db.password();
    }

    @Override
    String blobType() {
      return blob;
    }

    List<Long> ids(Connection admin, String sql) throws SQLException {
      List<Long> ids = new ArrayList<>();
      try (PreparedStatement ps = admin.prepareStatement(sql)) {
        ps.setString(1, db.name());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
      }
      return ids;
    }

    @Override
    public void close() {
      db.close();
    }
  }
}
