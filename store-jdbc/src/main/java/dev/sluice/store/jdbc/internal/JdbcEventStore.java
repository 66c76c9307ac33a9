package dev.sluice.store.jdbc.internal;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.memory.InMemoryEventStores;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventStore;
import dev.sluice.store.jdbc.Durability;
import dev.sluice.store.jdbc.JdbcStoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable events and idempotent results in {@code sluice_events}, written through a
 * {@link GroupCommitWriter}.
 *
 * <p>Each row records which server ({@code owner}) admitted it and in which run of that server
 * ({@code incarnation}). A repeat of an in-progress event admitted by an earlier run of this same
 * server (it crashed) takes the row over and is processed: that is how recovery re-drives it. A
 * row in progress on another server answers IN_PROGRESS.
 */
public final class JdbcEventStore implements EventStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);
  static final int IN_PROGRESS = 0;
  static final int COMPLETED = 1;

  private final Jdbc jdbc;
  private final String owner;
  private final String incarnation = UUID.randomUUID().toString();
  private final AtomicLong claims = new AtomicLong();
  private final Durability durability;
  /** Idempotency in memory with {@code durability: memory}; null otherwise. */
  private final EventStore memory;
  private final GroupCommitWriter<EventOp<?>> writer;
  private final String insertSql;
  /** A plain INSERT tried first where the dialect admits optimistically; null elsewhere. */
  private final String optimisticInsertSql;
  private final String takeOverSql;
  private final String completeSql;
  private final String deadLetterSql;

  /**
   * @param writerJdbc connections for the group-commit writers; may be {@code jdbc} itself
   */
  public JdbcEventStore(Jdbc jdbc, Jdbc writerJdbc, String owner, JdbcStoreConfig config,
      MeterRegistry metrics) {
    this.jdbc = jdbc;
    this.owner = owner;
    this.durability = config.durability();
    this.memory = durability == Durability.MEMORY
        ? InMemoryEventStores.create(config.retention(), Durability.MEMORY_ENTRIES) : null;
    Dialect d = jdbc.dialect();
    List<String> columns = List.of("event_key", "source", "event_id", "state", "owner",
        "incarnation", "claim", "admitted_at", "event");
    List<String> values = List.of("?", "?", "?", Integer.toString(IN_PROGRESS), "?", "?", "?",
        d.nowMillis(), "?");
    this.insertSql = d.insertIfAbsent("sluice_events", columns, values);
    this.optimisticInsertSql = d.admitsOptimistically()
        ? d.insert("sluice_events", columns, values) : null;
    this.takeOverSql = "UPDATE sluice_events SET incarnation = ?, claim = ?, admitted_at = "
        + d.nowMillis() + " WHERE event_key = ? AND state = " + IN_PROGRESS
        + " AND incarnation = ? AND claim = ?";
    this.completeSql = "UPDATE sluice_events SET state = " + COMPLETED + ", result = ?,"
        + " completed_at = " + d.nowMillis() + ", event = NULL WHERE event_key = ? AND state = "
        + IN_PROGRESS;
    this.deadLetterSql = "INSERT INTO sluice_dead_letters (source, event_id, event_type, processor,"
        + " status, error_code, error_message, attempts, first_failure, last_failure, event,"
        + " failure) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.writer = new GroupCommitWriter<>("events", writerJdbc, this::write, config.maxBatch(),
        config.maxDelay(), config.writers(), metrics);
  }

  /** This run's id: rows admitted in earlier runs of the same owner are recovered. */
  public String incarnation() {
    return incarnation;
  }

  @Override
  public boolean answersFromMemory() {
    return memory != null;
  }

  @Override
  public CompletionStage<Admission> admit(Event event) {
    if (memory != null) {
      return memory.admit(event);
    }
    return writer.submit(new Admit(event, claims.incrementAndGet()));
  }

  @Override
  public CompletionStage<Admission> admit(Event event, Object admitter) {
    return memory != null ? memory.admit(event, admitter) : admit(event);
  }

  /** With {@code durability: memory}, copies of this server's own events wait in memory. */
  @Override
  public boolean waitsForAdmitters() {
    return memory != null && memory.waitsForAdmitters();
  }

  @Override
  public CompletionStage<Void> complete(EventKey key, Result result) {
    if (memory != null) {
      return memory.complete(key, result);
    }
    return writer.submit(new Complete(key, result));
  }

  @Override
  public CompletionStage<Void> release(EventKey key) {
    if (memory != null) {
      return memory.release(key);
    }
    return writer.submit(new Release(key));
  }

  @Override
  public CompletionStage<Void> deadLetter(DeadLetter letter) {
    return writer.submit(new Dead(letter));
  }

  @Override
  public List<Event> incomplete(int max) {
    return jdbc.autoCommit("listing incomplete events", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT event FROM sluice_events"
          + " WHERE owner = ? AND state = " + IN_PROGRESS + " AND incarnation <> ?"
          + " AND event IS NOT NULL ORDER BY admitted_at")) {
        ps.setString(1, owner);
        ps.setString(2, incarnation);
        ps.setMaxRows(max);
        List<Event> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(EventCodec.decodeEvent(rs.getBytes(1)));
          }
        }
        return out;
      }
    });
  }

  /** Deletes completed entries older than {@code retention}; answers how many. */
  public int purge(Duration retention) {
    return jdbc.autoCommit("purging completed events", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_events WHERE state = "
          + COMPLETED + " AND completed_at < " + jdbc.dialect().nowMillis() + " - ?")) {
        ps.setLong(1, retention.toMillis());
        return ps.executeUpdate();
      }
    });
  }

  /** Writes whatever is queued, then stops the writers. */
  public void close() {
    writer.close();
  }

  private void write(Connection c, List<EventOp<?>> batch) throws SQLException {
    List<Admit> admits = new ArrayList<>();
    List<Complete> completes = new ArrayList<>();
    List<Release> releases = new ArrayList<>();
    List<Dead> dead = new ArrayList<>();
    for (EventOp<?> op : batch) {
      if (op instanceof Admit a) {
        admits.add(a);
      } else if (op instanceof Complete k) {
        completes.add(k);
      } else if (op instanceof Release r) {
        releases.add(r);
      } else {
        dead.add((Dead) op);
      }
    }
    // One order of keys in every transaction, so two writers cannot deadlock on each other.
    admits.sort(Comparator.comparing(a -> a.storageKey));
    completes.sort(Comparator.comparing(k -> k.storageKey));
    releases.sort(Comparator.comparing(r -> r.storageKey));
    if (!admits.isEmpty()) {
      writeAdmits(c, admits);
    }
    if (!completes.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(completeSql)) {
        for (Complete k : completes) {
          ps.setBytes(1, EventCodec.encode(k.result));
          ps.setString(2, k.storageKey);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (!releases.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sluice_events WHERE"
          + " event_key = ? AND state = " + IN_PROGRESS + " AND incarnation = ?")) {
        for (Release r : releases) {
          ps.setString(1, r.storageKey);
          ps.setString(2, incarnation);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (!dead.isEmpty()) {
      writeDeadLetters(c, dead);
    }
  }

  private void writeAdmits(Connection c, List<Admit> admits) throws SQLException {
    Set<String> first = new HashSet<>();
    List<Admit> distinct = new ArrayList<>();
    for (Admit a : admits) {
      if (first.add(a.storageKey)) {
        distinct.add(a);
      }
    }
    Map<String, Row> rows;
    if (optimisticInsertSql != null) {
      if (insertedAsNew(c, distinct)) {
        allNew(admits);
        return;
      }
      // Some keys exist. Read instead of upserting: an upsert would ask for an exclusive lock
      // on rows the failed inserts hold shared, and two servers doing that deadlock.
      rows = read(c, keysOf(distinct));
      List<Admit> missing = new ArrayList<>();
      for (Admit a : distinct) {
        if (!rows.containsKey(a.storageKey)) {
          missing.add(a); // the batch stopped at its first failure before reaching these
        }
      }
      if (!missing.isEmpty()) {
        Map<String, Row> inserted = insertIfAbsent(c, missing);
        rows.putAll(inserted != null ? inserted : read(c, keysOf(missing)));
      }
    } else {
      rows = insertIfAbsent(c, distinct);
      if (rows == null) {
        allNew(admits);
        return;
      }
    }
    Set<String> decided = new HashSet<>();
    for (Admit a : admits) {
      Row row = rows.get(a.storageKey);
      boolean firstOfKey = decided.add(a.storageKey);
      if (row == null) {
        // Deleted between our insert and our read (a release by its owner): run it again.
        throw new SQLTransientException("event row vanished during admission", "40001");
      }
      if (firstOfKey && row.incarnation.equals(incarnation) && row.claim == a.claim) {
        a.outcome(Admission.fresh());
      } else if (row.state == COMPLETED) {
        a.outcome(Admission.completed(EventCodec.decodeResult(row.result)));
      } else if (firstOfKey && row.owner.equals(owner) && !row.incarnation.equals(incarnation)
          && takeOver(c, a, row)) {
        LOG.info("recovering {}, accepted before this server restarted", a.event);
        a.outcome(Admission.fresh());
      } else {
        a.outcome(Admission.inProgress());
      }
    }
  }

  /**
   * Inserts the rows of {@code distinct} that do not exist. Answers null when the update counts
   * prove every row was inserted, otherwise the rows as they are now.
   */
  private Map<String, Row> insertIfAbsent(Connection c, List<Admit> distinct)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertSql)) {
      bindAdmits(ps, distinct);
      int[] counts = ps.executeBatch();
      if (jdbc.dialect().insertCountsAreExact() && allInserted(counts, distinct.size())) {
        return null;
      }
    }
    return read(c, keysOf(distinct));
  }

  private static List<String> keysOf(List<Admit> admits) {
    List<String> keys = new ArrayList<>(admits.size());
    for (Admit a : admits) {
      keys.add(a.storageKey);
    }
    return keys;
  }

  /** Every key was inserted by this batch: its first admission is new, a repeat in progress. */
  private static void allNew(List<Admit> admits) {
    Set<String> decided = new HashSet<>();
    for (Admit a : admits) {
      a.outcome(decided.add(a.storageKey) ? Admission.fresh() : Admission.inProgress());
    }
  }

  /**
   * Tries plain INSERTs of every key: true when all went in, so every event is new; false when
   * one key exists already. The failed statement is rolled back on its own; rows of this batch
   * that did go in carry this run's claim, so the read-back that follows still counts them new.
   */
  private boolean insertedAsNew(Connection c, List<Admit> distinct) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(optimisticInsertSql)) {
      bindAdmits(ps, distinct);
      ps.executeBatch();
      return true;
    } catch (SQLException e) {
      if (jdbc.dialect().isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  private void bindAdmits(PreparedStatement ps, List<Admit> distinct) throws SQLException {
    for (Admit a : distinct) {
      ps.setString(1, a.storageKey);
      ps.setString(2, a.event.source());
      ps.setString(3, a.event.id());
      ps.setString(4, owner);
      ps.setString(5, incarnation);
      ps.setLong(6, a.claim);
      ps.setBytes(7, durability == Durability.LOG ? EventCodec.encode(a.event) : null);
      ps.addBatch();
    }
  }

  private static boolean allInserted(int[] counts, int expected) {
    if (counts.length != expected) {
      return false;
    }
    for (int n : counts) {
      if (n != 1) {
        return false;
      }
    }
    return true;
  }

  private boolean takeOver(Connection c, Admit a, Row row) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(takeOverSql)) {
      ps.setString(1, incarnation);
      ps.setLong(2, a.claim);
      ps.setString(3, a.storageKey);
      ps.setString(4, row.incarnation);
      ps.setLong(5, row.claim);
      return ps.executeUpdate() == 1;
    }
  }

  private static Map<String, Row> read(Connection c, List<String> keys) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT event_key, state, owner, incarnation, claim,"
        + " result FROM sluice_events WHERE event_key IN (");
    for (int i = 0; i < keys.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    Map<String, Row> rows = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
      for (int i = 0; i < keys.size(); i++) {
        ps.setString(i + 1, keys.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getString(1).trim(), new Row(rs.getInt(2), rs.getString(3),
              rs.getString(4).trim(), rs.getLong(5), rs.getBytes(6)));
        }
      }
    }
    return rows;
  }

  private void writeDeadLetters(Connection c, List<Dead> dead) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(deadLetterSql)) {
      for (Dead d : dead) {
        DeadLetter l = d.letter;
        ps.setString(1, l.event().source());
        ps.setString(2, l.event().id());
        ps.setString(3, l.event().type());
        ps.setString(4, l.processor());
        ps.setString(5, l.failure().status().name());
        ps.setString(6, l.failure().errorCode().orElse(null));
        ps.setString(7, l.failure().errorMessage().map(m -> m.length() > 4000
            ? m.substring(0, 4000) : m).orElse(null));
        ps.setInt(8, l.attempts());
        ps.setLong(9, l.firstFailure().toEpochMilli());
        ps.setLong(10, l.lastFailure().toEpochMilli());
        ps.setBytes(11, EventCodec.encode(l.event()));
        ps.setBytes(12, EventCodec.encode(l.failure()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private record Row(int state, String owner, String incarnation, long claim, byte[] result) {
  }

  /** A queued operation on one event. */
  abstract static class EventOp<R> extends GroupCommitWriter.Op<R> {
  }

  private static final class Admit extends EventOp<Admission> {
    final Event event;
    final String storageKey;
    final long claim;

    Admit(Event event, long claim) {
      this.event = event;
      this.storageKey = EventCodec.storageKey(event.key());
      this.claim = claim;
    }
  }

  private static final class Complete extends EventOp<Void> {
    final String storageKey;
    final Result result;

    Complete(EventKey key, Result result) {
      this.storageKey = EventCodec.storageKey(key);
      this.result = result;
    }
  }

  private static final class Release extends EventOp<Void> {
    final String storageKey;

    Release(EventKey key) {
      this.storageKey = EventCodec.storageKey(key);
    }
  }

  private static final class Dead extends EventOp<Void> {
    final DeadLetter letter;

    Dead(DeadLetter letter) {
      this.letter = letter;
    }
  }
}
