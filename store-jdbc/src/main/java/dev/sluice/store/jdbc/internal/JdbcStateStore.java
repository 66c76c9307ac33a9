package dev.sluice.store.jdbc.internal;

import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.spi.StateStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;

/** Key-value state in {@code sluice_state}, written only through fenced writes. */
public final class JdbcStateStore implements StateStore {
  private static final int MAX_KEY = 512;

  private final Jdbc jdbc;
  private final JdbcLockService locks;
  private final String upsertSql;

  public JdbcStateStore(Jdbc jdbc, JdbcLockService locks) {
    this.jdbc = jdbc;
    this.locks = locks;
    this.upsertSql = jdbc.dialect().upsert("sluice_state",
        List.of("state_key", "state_value", "lock_name", "token", "updated_at"),
        List.of("?", "?", "?", "?", jdbc.dialect().nowMillis()));
  }

  @Override
  public Optional<byte[]> get(String key) {
    checkKey(key);
    return jdbc.autoCommit("reading state '" + key + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT state_value FROM sluice_state WHERE state_key = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
        }
      }
    });
  }

  @Override
  public void put(String key, byte[] value, Lease lease) throws FencedWriteException {
    checkKey(key);
    byte[] copy = value.clone();
    locks.fenced(lease, c -> {
      try (PreparedStatement ps = c.prepareStatement(upsertSql)) {
        ps.setString(1, key);
        ps.setBytes(2, copy);
        ps.setString(3, lease.name());
        ps.setLong(4, lease.fencingToken());
        return ps.executeUpdate();
      }
    });
  }

  private static void checkKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
      throw new IllegalArgumentException("a state key must be 1 to " + MAX_KEY
          + " characters, got " + (key == null ? "null" : key.length() + " characters"));
    }
  }
}
