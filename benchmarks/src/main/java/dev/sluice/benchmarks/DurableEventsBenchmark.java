package dev.sluice.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.Admission;
import dev.sluice.spi.EventStore;
import dev.sluice.store.jdbc.JdbcStore;
import dev.sluice.store.jdbc.internal.EventCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable events per second: each operation is one event logged before processing and its
 * result stored after, by {@value #THREADS} threads at once (as a server's workers would).
 *
 * <ul>
 *   <li>{@code raw}: a plain JDBC loop per thread on its own pooled connection, auto-commit:
 *       INSERT the event row (the same columns and JSON bytes as the store), then UPDATE it
 *       with the result. One commit per statement: what a straightforward implementation does.
 *   <li>{@code store}: {@link EventStore#admit} then {@link EventStore#complete} on the JDBC
 *       store with {@code durability: log}, waiting for each; concurrent calls share
 *       transactions (group commit), and each admit also reads back the row to decide.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(DurableEventsBenchmark.THREADS)
public class DurableEventsBenchmark {
  static final int THREADS = 8;
  private static final AtomicLong IDS = new AtomicLong();
  private static final Result RESULT = Result.ok("x", "{\"value\": 42}", "application/json");

  @State(Scope.Benchmark)
  public static class Db {
    @Param({"h2", "mariadb"})
    public String db;

    /** store.group-commit.writers: 0 for the store's default, or set with -p writers=N. */
    @Param({"0"})
    public int writers;

    StoreDatabases.Target target;
    HikariDataSource pool;
    JdbcStore store;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      target = StoreDatabases.create(db);
      // The store creates the schema; the raw loop writes to a copy of its events table.
      store = JdbcStore.open(target.storeSettings(THREADS, writers), Path.of("."),
          "bench", new SimpleMeterRegistry());
      pool = new HikariDataSource();
      pool.setJdbcUrl(target.url);
      pool.setUsername(target.user);
      pool.setPassword(target.password);
      pool.setMaximumPoolSize(THREADS);
      pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
      if (target.url.startsWith("jdbc:mysql:")) {
        pool.addDataSourceProperty("cachePrepStmts", "true");
      }
      try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
        // The same columns and indexes as the store's sluice_events (migration V1).
        String blob = db.equals("h2") ? "BLOB" : "LONGBLOB";
        s.execute("CREATE TABLE raw_events (event_key CHAR(64) NOT NULL PRIMARY KEY,"
            + " source VARCHAR(2048) NOT NULL, event_id VARCHAR(2048) NOT NULL,"
            + " state SMALLINT NOT NULL, owner VARCHAR(255) NOT NULL,"
            + " incarnation CHAR(36) NOT NULL, claim BIGINT NOT NULL,"
            + " admitted_at BIGINT NOT NULL, completed_at BIGINT, event " + blob + ", result "
            + blob + ")");
        s.execute("CREATE INDEX raw_events_purge ON raw_events (state, completed_at)");
        s.execute("CREATE INDEX raw_events_recovery ON raw_events (owner, state, admitted_at)");
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      store.close();
      pool.close();
      target.close();
    }
  }

  /** Each raw thread's connection and statements. */
  @State(Scope.Thread)
  public static class RawLoop {
    Connection connection;
    PreparedStatement insert;
    PreparedStatement update;

    @Setup(Level.Trial)
    public void open(Db db) throws Exception {
      connection = db.pool.getConnection();
      insert = connection.prepareStatement("INSERT INTO raw_events (event_key, source, event_id,"
          + " state, owner, incarnation, claim, admitted_at, event) VALUES (?, ?, ?, 0, ?, ?,"
          + " ?, ?, ?)");
      update = connection.prepareStatement("UPDATE raw_events SET state = 1, result = ?,"
          + " completed_at = ?, event = NULL WHERE event_key = ? AND state = 0");
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      connection.close();
    }
  }

  static Event nextEvent() {
    String id = Long.toString(IDS.incrementAndGet());
    return Event.builder().id(id).source("/bench").type("bench.event")
        .data("{\"n\": " + id + "}", "application/json").build();
  }

  @Benchmark
  public int raw(RawLoop raw) throws Exception {
    Event e = nextEvent();
    String key = EventCodec.storageKey(e.key());
    long now = System.currentTimeMillis();
    raw.insert.setString(1, key);
    raw.insert.setString(2, e.source());
    raw.insert.setString(3, e.id());
    raw.insert.setString(4, "bench");
    raw.insert.setString(5, "00000000-0000-0000-0000-000000000000");
    raw.insert.setLong(6, 1);
    raw.insert.setLong(7, now);
    raw.insert.setBytes(8, EventCodec.encode(e));
    raw.insert.executeUpdate();
    raw.update.setBytes(1, EventCodec.encode(RESULT));
    raw.update.setLong(2, now);
    raw.update.setString(3, key);
    return raw.update.executeUpdate();
  }

  @Benchmark
  public Admission store(Db db) throws Exception {
    Event e = nextEvent();
    EventStore store = db.store.eventStore();
    Admission admission = store.admit(e).toCompletableFuture().get();
    if (admission.kind() != Admission.Kind.NEW) {
      throw new IllegalStateException("a new event was not admitted as new: " + admission);
    }
    store.complete(e.key(), RESULT).toCompletableFuture().get();
    return admission;
  }
}
