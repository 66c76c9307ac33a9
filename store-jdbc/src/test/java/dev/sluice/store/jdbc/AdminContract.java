package dev.sluice.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.UserRecord;
import dev.sluice.store.jdbc.internal.Dialect;
import dev.sluice.store.jdbc.internal.Migrations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Dead letters, users, hostile input and migrations, the same on every database. Each test
 * makes its own database: the migration tests need an empty one.
 */
abstract class AdminContract {
  /** Classic injection strings, quoting and encoding edge cases. */
  static final List<String> CORPUS = List.of(
      "'; DROP TABLE sluice_events; --",
      "\" OR \"1\"=\"1",
      "' OR '1'='1' /*",
      "1; DELETE FROM sluice_locks WHERE 1=1",
      "admin'--",
      "\\'; SELECT pg_sleep(10); --",
      "') UNION SELECT password_hash, roles, name FROM sluice_users --",
      "%_%\\%\\_",
      "$$; DROP TABLE sluice_state; $$",
      "`; SHOW TABLES; `",
      "Robert'); DROP TABLE Students;--",
      "\u00e9\u00e8 \u4e2d\u6587 \ud83d\ude00 \u202e",
      "line\nbreak\r\ttab",
      "?", "??", ":name", "${jndi:ldap://x}", "' || (SELECT 1) || '");

  abstract Database newDatabase();

  static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void roundTripsAnInjectionCorpusInEveryEventFieldVerbatim() throws Exception {
    try (Database db = newDatabase(); JdbcStore store = db.open("hostile")) {
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < CORPUS.size(); i++) {
        String s = CORPUS.get(i);
        events.add(Event.builder().id(s + "#" + i).source(s).type(s).subject(s)
            .dataContentType(s).dataSchema(s).extension("note", s).partitionKey(s)
            .time(OffsetDateTime.of(2026, 11, 27, 12, 0, 0, 0, ZoneOffset.UTC))
            .data(s.getBytes(StandardCharsets.UTF_8)).build());
      }
      for (Event e : events) {
        assertThat(join(store.eventStore().admit(e)).kind()).isEqualTo(Admission.Kind.NEW);
      }
      // Recovery reads them back whole: a new run of the same server.
      try (JdbcStore restarted = db.open("hostile")) {
        assertThat(restarted.eventStore().incomplete(1000))
            .containsExactlyInAnyOrderElementsOf(events);
      }
      for (Event e : events) {
        String s = e.source();
        Result r = Result.of(e.id(), Status.ERROR, s.getBytes(StandardCharsets.UTF_8), s, s, s);
        join(store.eventStore().complete(e.key(), r));
        Admission again = join(store.eventStore().admit(e));
        assertThat(again.result()).contains(r);
        join(store.eventStore().deadLetter(new DeadLetter(e, s, r, 3, Instant.EPOCH,
            Instant.EPOCH)));
        assertThat(store.deadLetters().list(DeadLetterQuery.all().processor(s)))
            .singleElement().satisfies(d -> {
              assertThat(d.letter().event()).isEqualTo(e);
              assertThat(d.letter().failure()).isEqualTo(r);
            });
        store.users().put(new UserRecord(s, s, Set.of(s, "reader")));
        assertThat(store.users().find(s)).contains(new UserRecord(s, s, Set.of(s, "reader")));
      }
      assertThat(store.users().list()).hasSize(CORPUS.size());
      assertThat(store.deadLetters().count(DeadLetterQuery.all())).isEqualTo(CORPUS.size());
    }
  }

  @Test
  void listsShowsReplaysAndPurgesDeadLetters() throws Exception {
    try (Database db = newDatabase(); JdbcStore store = db.open("dlq")) {
      Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
      for (int i = 0; i < 25; i++) {
        Event e = Event.builder().id("e" + i).source("/orders").type(i % 5 == 0 ? "big" : "small")
            .data("payload " + i, "text/plain").build();
        join(store.eventStore().deadLetter(new DeadLetter(e, i % 2 == 0 ? "billing" : "mail",
            Result.error(e.id(), "DECLINED", "card declined " + i), i + 1,
            t0.plus(i, ChronoUnit.HOURS), t0.plus(i, ChronoUnit.HOURS).plusSeconds(30))));
      }
      DeadLetters dlq = store.deadLetters();

      List<StoredDeadLetter> page1 = dlq.list(DeadLetterQuery.all().limit(10));
      List<StoredDeadLetter> page2 = dlq.list(DeadLetterQuery.all().limit(10)
          .afterId(page1.get(9).id()));
      List<StoredDeadLetter> page3 = dlq.list(DeadLetterQuery.all().limit(10)
          .afterId(page2.get(9).id()));
      assertThat(page1).hasSize(10);
      assertThat(page2).hasSize(10);
      assertThat(page3).hasSize(5);
      assertThat(page3.get(4).letter().event().id()).isEqualTo("e24");
      assertThat(dlq.count(DeadLetterQuery.all().processor("billing"))).isEqualTo(13);
      assertThat(dlq.list(DeadLetterQuery.all().processor("billing").type("big")))
          .extracting(d -> d.letter().event().id()).containsExactly("e0", "e10", "e20");

      StoredDeadLetter one = dlq.show(page1.get(3).id()).orElseThrow();
      assertThat(one.letter().processor()).isEqualTo("mail");
      assertThat(one.letter().attempts()).isEqualTo(4);
      assertThat(one.letter().failure().errorMessage()).contains("card declined 3");
      assertThat(one.letter().firstFailure()).isEqualTo(t0.plus(3, ChronoUnit.HOURS));
      assertThat(dlq.originalEvent(one.id()).orElseThrow().dataAsString())
          .isEqualTo("payload 3");

      assertThat(dlq.delete(one.id())).isTrue();
      assertThat(dlq.delete(one.id())).isFalse();
      assertThat(dlq.show(one.id())).isEmpty();
      assertThat(dlq.purge(DeadLetterQuery.all().failedBefore(t0.plus(10, ChronoUnit.HOURS))))
          .isEqualTo(9);
      assertThat(dlq.purge(DeadLetterQuery.all())).isEqualTo(15);
      assertThat(dlq.count(DeadLetterQuery.all())).isZero();
    }
  }

  @Test
  void keepsUsers() throws Exception {
    try (Database db = newDatabase(); JdbcStore store = db.open("users")) {
      store.users().put(new UserRecord("ada", "$argon2id$v=19$m=19456,t=2,p=1$a$b",
          Set.of("admin")));
      store.users().put(new UserRecord("bob", "$argon2id$x", Set.of()));
      store.users().put(new UserRecord("ada", "$argon2id$new", Set.of("reader", "writer")));
      assertThat(store.users().list()).extracting(UserRecord::name).containsExactly("ada", "bob");
      assertThat(store.users().find("ada").orElseThrow().roles())
          .containsExactlyInAnyOrder("reader", "writer");
      assertThat(store.users().remove("bob")).isTrue();
      assertThat(store.users().remove("bob")).isFalse();
      assertThat(store.users().find("bob")).isEmpty();
    }
  }

  @Test
  void createsTheSchemaOnAnEmptyDatabase() throws Exception {
    try (Database db = newDatabase()) {
      try (JdbcStore store = db.open("fresh")) {
        assertThat(store.describe()).contains("schema v2");
      }
      boolean mysql = db.url().startsWith("jdbc:mysql");
      assertThat(db.queryLong(mysql
          ? "SELECT COUNT(*) FROM sluice_schema_history WHERE version IN ('1', '2')"
              + " AND success = 1"
          : "SELECT COUNT(*) FROM \"sluice_schema_history\" WHERE \"version\" IN ('1', '2')"
              + " AND \"success\" = TRUE"))
          .isEqualTo(2);
      // Opening again migrates nothing and keeps working.
      try (JdbcStore store = db.open("fresh")) {
        assertThat(join(store.eventStore().admit(EventStoreContract.event("x"))).kind())
            .isEqualTo(Admission.Kind.NEW);
      }
    }
  }

  @Test
  void upgradesADatabaseAtThePreviousVersionKeepingItsData() throws Exception {
    try (Database db = newDatabase()) {
      Event before = EventStoreContract.event("before-upgrade");
      try (com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource()) {
        ds.setJdbcUrl(db.url());
        ds.setUsername(db.user());
        ds.setPassword(db.password());
        assertThat(Migrations.migrate(ds, Dialect.forUrl(db.url()), "1")).isEqualTo("1");
      }
      db.execute("INSERT INTO sluice_locks (name, owner, token, expires_at)"
          + " VALUES ('old-lock', NULL, 41, 0)");
      try (JdbcStore v1 = db.open("upgrading")) {
        // (open migrates; the v1 data below is written by the store at v2 only after it)
        assertThat(v1.describe()).contains("schema v2");
      }
      try (JdbcStore store = db.open("upgrading")) {
        assertThat(store.locks().acquire("old-lock", Duration.ofSeconds(5), Duration.ZERO)
            .orElseThrow().fencingToken()).isEqualTo(42);
        join(store.eventStore().admit(before));
        join(store.eventStore().deadLetter(new DeadLetter(before, "p",
            Result.error(before.id(), "X", "y"), 1, Instant.now(), Instant.now())));
        assertThat(store.deadLetters().count(DeadLetterQuery.all())).isEqualTo(1);
      }
    }
  }
}
