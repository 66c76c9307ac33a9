package dev.sluice.store.jdbc.internal;

import dev.sluice.spi.DeadLetter;
import dev.sluice.store.jdbc.DeadLetterQuery;
import dev.sluice.store.jdbc.DeadLetters;
import dev.sluice.store.jdbc.StoredDeadLetter;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Dead letters in {@code sluice_dead_letters}. Filters are parameters, never SQL text. */
public final class JdbcDeadLetters implements DeadLetters {
  private static final String COLUMNS =
      "id, processor, attempts, first_failure, last_failure, event, failure";

  private final Jdbc jdbc;

  public JdbcDeadLetters(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<StoredDeadLetter> list(DeadLetterQuery query) {
    Where where = where(query, true);
    return jdbc.autoCommit("listing dead letters", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM sluice_dead_letters" + where.sql + " ORDER BY id")) {
        where.bind(ps);
        ps.setMaxRows(query.limit());
        List<StoredDeadLetter> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(read(rs));
          }
        }
        return out;
      }
    });
  }

  @Override
  public long count(DeadLetterQuery query) {
    Where where = where(query, false);
    return jdbc.autoCommit("counting dead letters", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM sluice_dead_letters"
          + where.sql)) {
        where.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public Optional<StoredDeadLetter> show(long id) {
    return jdbc.autoCommit("reading dead letter " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM sluice_dead_letters WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.<StoredDeadLetter>empty();
        }
      }
    });
  }

  @Override
  public boolean delete(long id) {
    return jdbc.autoCommit("deleting dead letter " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM sluice_dead_letters WHERE id = ?")) {
        ps.setLong(1, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public int purge(DeadLetterQuery query) {
    Where where = where(query, false);
    return jdbc.autoCommit("purging dead letters", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_dead_letters"
          + where.sql)) {
        where.bind(ps);
        return ps.executeUpdate();
      }
    });
  }

  private static StoredDeadLetter read(ResultSet rs) throws SQLException {
    return new StoredDeadLetter(rs.getLong(1), new DeadLetter(
        EventCodec.decodeEvent(rs.getBytes(6)), rs.getString(2),
        EventCodec.decodeResult(rs.getBytes(7)), rs.getInt(3),
        Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))));
  }

  private static Where where(DeadLetterQuery q, boolean paging) {
    Where w = new Where();
    q.processor().ifPresent(v -> w.add("processor = ?", v));
    q.type().ifPresent(v -> w.add("event_type = ?", v));
    q.source().ifPresent(v -> w.add("source = ?", v));
    q.failedBefore().ifPresent(v -> w.add("last_failure < ?", v.toEpochMilli()));
    if (paging && q.afterId() > 0) {
      w.add("id > ?", q.afterId());
    }
    return w;
  }

  /** A WHERE clause of fixed conditions with their parameters. */
  private static final class Where {
    String sql = "";
    final List<Object> params = new ArrayList<>();

    void add(String condition, Object param) {
      sql += (sql.isEmpty() ? " WHERE " : " AND ") + condition;
      params.add(param);
    }

    void bind(PreparedStatement ps) throws SQLException {
      for (int i = 0; i < params.size(); i++) {
        Object p = params.get(i);
        if (p instanceof Long l) {
          ps.setLong(i + 1, l);
        } else {
          ps.setString(i + 1, (String) p);
        }
      }
    }
  }
}
