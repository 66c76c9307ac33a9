package dev.sluice.store.jdbc.internal;

import dev.sluice.spi.UserRecord;
import dev.sluice.spi.UserStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Users in {@code sluice_users}: name, PHC password hash, roles as a JSON array. */
public final class JdbcUserStore implements UserStore {
  private final Jdbc jdbc;
  private final String upsertSql;

  public JdbcUserStore(Jdbc jdbc) {
    this.jdbc = jdbc;
    this.upsertSql = jdbc.dialect().upsert("sluice_users",
        List.of("name", "password_hash", "roles"), List.of("?", "?", "?"));
  }

  @Override
  public Optional<UserRecord> find(String name) {
    return jdbc.autoCommit("reading user '" + name + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name, password_hash, roles FROM sluice_users WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.<UserRecord>empty();
        }
      }
    });
  }

  @Override
  public List<UserRecord> list() {
    return jdbc.autoCommit("listing users", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name, password_hash, roles FROM sluice_users ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        List<UserRecord> out = new ArrayList<>();
        while (rs.next()) {
          out.add(read(rs));
        }
        return out;
      }
    });
  }

  @Override
  public void put(UserRecord user) {
    jdbc.autoCommit("saving user '" + user.name() + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(upsertSql)) {
        ps.setString(1, user.name());
        ps.setString(2, user.passwordHash());
        ps.setString(3, EventCodec.encodeRoles(user.roles()));
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean remove(String name) {
    return jdbc.autoCommit("removing user '" + name + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_users WHERE name = ?")) {
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
      }
    });
  }

  private static UserRecord read(ResultSet rs) throws SQLException {
    return new UserRecord(rs.getString(1), rs.getString(2),
        EventCodec.decodeRoles(rs.getString(3)));
  }
}
