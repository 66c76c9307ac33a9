package dev.sluice.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.EventSource;
import dev.sluice.store.jdbc.internal.TableSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The outbox table source, the same on every database. */
abstract class TableSourceContract {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Database db;

  abstract Database newDatabase();

  @BeforeAll
  void createDatabase() {
    db = newDatabase();
  }

  @AfterAll
  void dropDatabase() {
    db.close();
  }

  private String createOutbox() throws Exception {
    String table = "outbox_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    db.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY,"
        + " event_id VARCHAR(200), source VARCHAR(200), type VARCHAR(200),"
        + " subject VARCHAR(200), data_content_type VARCHAR(100), data " + db.blobType() + ","
        + " done_at BIGINT, result_status VARCHAR(16))");
    return table;
  }

  private void insert(String table, int from, int to, String type) throws Exception {
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO "
        + table + " (id, event_id, type, data_content_type, data) VALUES (?, ?, ?, ?, ?)")) {
      for (int i = from; i < to; i++) {
        ps.setLong(1, i);
        ps.setString(2, i % 2 == 0 ? "row-" + i : null); // odd rows: the id is the row's id
        ps.setString(3, type);
        ps.setString(4, "text/plain");
        ps.setBytes(5, ("payload " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private long count(String table, String condition) throws Exception {
    return db.queryLong("SELECT COUNT(*) FROM " + table + " WHERE " + condition);
  }

  private static Map<String, Object> settings(String table) {
    return Map.of("table-source", Map.of("table", table, "poll-interval", "100ms",
        "lease", "1s", "batch-size", 8));
  }

  /** A sink that answers OK and remembers what it saw, per server. */
  private static final class Recorder implements EventSink {
    final List<Event> seen = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Result> submit(Event event, dev.sluice.spi.Delivery delivery) {
      seen.add(event);
      return CompletableFuture.completedFuture(Result.ok(event.id()));
    }
  }

  @Test
  void turnsRowsIntoEventsOnOneServerAndAnotherTakesOverWhenItDies() throws Exception {
    String table = createOutbox();
    insert(table, 1, 41, "orders.created");
    Recorder onA = new Recorder();
    Recorder onB = new Recorder();
    JdbcStore a = db.open("server-a", settings(table));
    try (JdbcStore b = db.open("server-b", settings(table))) {
      EventSource sourceA = a.tableSource().orElseThrow();
      EventSource sourceB = b.tableSource().orElseThrow();
      sourceA.start(onA);
      await().atMost(WAIT).until(() -> ((TableSource) sourceA).isPolling());
      sourceB.start(onB);

      await().atMost(WAIT).until(() -> count(table, "done_at IS NULL") == 0);
      assertThat(count(table, "result_status = 'OK'")).isEqualTo(40);
      assertThat(onA.seen).hasSize(40);
      assertThat(onB.seen).isEmpty();
      assertThat(((TableSource) sourceB).isPolling()).isFalse();
      Event first = onA.seen.get(0);
      assertThat(first.type()).isEqualTo("orders.created");
      assertThat(first.source()).isEqualTo("sluice:table/" + table);
      assertThat(onA.seen).extracting(Event::id).contains("row-2", "3");
      assertThat(onA.seen.get(2).dataAsString()).isEqualTo("payload 3");

      // Server A dies: its database connections go and it never releases the lock.
      a.close();
      insert(table, 41, 61, "orders.created");
      await().atMost(WAIT).until(() -> count(table, "done_at IS NULL") == 0);
      assertThat(onB.seen).hasSize(20);
      assertThat(onA.seen).hasSize(40);
      sourceA.stop(Duration.ofSeconds(1));
      sourceB.stop(Duration.ofSeconds(5)).toCompletableFuture().join();
    } finally {
      a.close();
    }
  }

  @Test
  void marksInvalidRowsAndReadsAgainRowsWithARetryableResult() throws Exception {
    String table = createOutbox();
    insert(table, 1, 4, "orders.created");
    insert(table, 4, 5, null); // no type: not an event
    Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
    List<Event> processed = new CopyOnWriteArrayList<>();
    EventSink overloadedOnce = (event, delivery) -> {
      if (refusedOnce.add(event.id())) {
        return CompletableFuture.completedFuture(Result.failure(event.id(), Status.OVERLOADED,
            "OVERLOADED", "queue full"));
      }
      processed.add(event);
      return CompletableFuture.completedFuture(Result.ok(event.id()));
    };
    try (JdbcStore store = db.open("server-a", settings(table))) {
      EventSource source = store.tableSource().orElseThrow();
      source.start(overloadedOnce);
      await().atMost(WAIT).until(() -> count(table, "done_at IS NULL") == 0);
      source.stop(Duration.ofSeconds(5)).toCompletableFuture().join();
    }
    assertThat(count(table, "result_status = 'INVALID'")).isEqualTo(1);
    assertThat(count(table, "result_status = 'OK'")).isEqualTo(3);
    assertThat(processed).extracting(Event::id).containsExactlyInAnyOrder("1", "row-2", "3");
  }
}
