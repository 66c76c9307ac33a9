package dev.sluice.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.Admission;
import dev.sluice.spi.EventStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Durable events and idempotent results, the same on every database. */
abstract class EventStoreContract {
  private static final Duration WAIT = Duration.ofSeconds(30);
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

  static Event event(String id) {
    return Event.builder().id(id).source("/test/" + UUID.randomUUID()).type("t.added")
        .data("{\"n\": 1}", "application/json").build();
  }

  static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void answersACompletedRepeatWithTheStoredResult() throws Exception {
    try (JdbcStore store = db.open("s1")) {
      EventStore events = store.eventStore();
      Event e = event("1");
      assertThat(join(events.admit(e)).kind()).isEqualTo(Admission.Kind.NEW);
      assertThat(join(events.admit(e)).kind()).isEqualTo(Admission.Kind.IN_PROGRESS);

      Result result = Result.ok("1", "{\"value\": 7}", "application/json");
      join(events.complete(e.key(), result));

      Admission repeat = join(events.admit(e));
      assertThat(repeat.kind()).isEqualTo(Admission.Kind.COMPLETED);
      assertThat(repeat.result()).contains(result);
    }
  }

  @Test
  void processesARetryOfAReleasedEvent() throws Exception {
    try (JdbcStore store = db.open("s1")) {
      Event e = event("released");
      assertThat(join(store.eventStore().admit(e)).kind()).isEqualTo(Admission.Kind.NEW);
      join(store.eventStore().release(e.key()));
      assertThat(join(store.eventStore().admit(e)).kind()).isEqualTo(Admission.Kind.NEW);
    }
  }

  @Test
  void admitsTheSameEventSentConcurrentlyToTwoServersOnceAndAnswersEveryoneTheSame()
      throws Exception {
    try (JdbcStore a = db.open("a"); JdbcStore b = db.open("b")) {
      Event e = event("contended");
      int callers = 32;
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Admission>> admissions = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          EventStore store = (i % 2 == 0 ? a : b).eventStore();
          admissions.add(pool.submit(() -> {
            go.await();
            return join(store.admit(e));
          }));
        }
        go.countDown();
        int fresh = 0;
        for (Future<Admission> f : admissions) {
          Admission admission = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
          assertThat(admission.kind()).isNotEqualTo(Admission.Kind.COMPLETED);
          fresh += admission.kind() == Admission.Kind.NEW ? 1 : 0;
        }
        assertThat(fresh).as("callers told to process the event").isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
      Result result = Result.ok("contended", "done", "text/plain");
      // Whichever server admitted it completes it; the other's complete must change nothing.
      join(a.eventStore().complete(e.key(), result));
      join(b.eventStore().complete(e.key(), result));
      for (JdbcStore s : List.of(a, b)) {
        Admission repeat = join(s.eventStore().admit(e));
        assertThat(repeat.kind()).isEqualTo(Admission.Kind.COMPLETED);
        assertThat(repeat.result()).contains(result);
      }
    }
  }

  @Test
  void recoversEventsAcceptedButNotCompletedBeforeACrash() throws Exception {
    Event accepted = event("accepted-before-crash");
    Event completed = event("completed-before-crash");
    try (JdbcStore beforeCrash = db.open("recovering")) {
      join(beforeCrash.eventStore().admit(accepted));
      join(beforeCrash.eventStore().admit(completed));
      join(beforeCrash.eventStore().complete(completed.key(), Result.ok(completed.id())));
    }
    try (JdbcStore other = db.open("another-server");
        JdbcStore restarted = db.open("recovering")) {
      assertThat(other.eventStore().incomplete(100)).doesNotContain(accepted);
      assertThat(restarted.eventStore().incomplete(100)).containsExactly(accepted);
      // Another server does not steal it; the restarted one takes it over and processes it.
      assertThat(join(other.eventStore().admit(accepted)).kind())
          .isEqualTo(Admission.Kind.IN_PROGRESS);
      assertThat(join(restarted.eventStore().admit(accepted)).kind())
          .isEqualTo(Admission.Kind.NEW);
      assertThat(restarted.eventStore().incomplete(100)).isEmpty();
      join(restarted.eventStore().complete(accepted.key(), Result.ok(accepted.id())));
      assertThat(join(other.eventStore().admit(accepted)).kind())
          .isEqualTo(Admission.Kind.COMPLETED);
    }
  }

  @Test
  void keepsNoEventBodiesWithDurabilityNone() throws Exception {
    Event e = event("not-logged");
    try (JdbcStore store = db.open("durability-none", Map.of("durability", "none"))) {
      assertThat(join(store.eventStore().admit(e)).kind()).isEqualTo(Admission.Kind.NEW);
    }
    try (JdbcStore store = db.open("durability-none", Map.of("durability", "none"))) {
      assertThat(store.eventStore().incomplete(100)).isEmpty();
    }
  }

  @Test
  void durabilityMemoryAnswersRepeatsFromMemoryAndWritesOnlyDeadLetters() throws Exception {
    Event e = event("in-memory");
    Result result = Result.ok(e.id(), "done", "text/plain");
    try (JdbcStore store = db.open("durability-memory", Map.of("durability", "memory"))) {
      EventStore events = store.eventStore();
      assertThat(join(events.admit(e)).kind()).isEqualTo(Admission.Kind.NEW);
      assertThat(join(events.admit(e)).kind()).isEqualTo(Admission.Kind.IN_PROGRESS);
      join(events.complete(e.key(), result));
      assertThat(join(events.admit(e)).result()).contains(result);

      Result failure = Result.failure(e.id(), dev.sluice.event.Status.ERROR, "BROKEN", "broken");
      join(events.deadLetter(new dev.sluice.spi.DeadLetter(e, "memory-durability", failure, 2,
          java.time.Instant.EPOCH, java.time.Instant.EPOCH)));
      assertThat(store.deadLetters().list(DeadLetterQuery.all().processor("memory-durability")))
          .as("dead letters still go to the database").singleElement()
          .satisfies(d -> assertThat(d.letter().event()).isEqualTo(e));
      try (java.sql.Connection c = store.connection();
          java.sql.PreparedStatement ps = c.prepareStatement(
              "SELECT COUNT(*) FROM sluice_events WHERE event_id = ?")) {
        ps.setString(1, e.id());
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).as("rows of the event in sluice_events").isZero();
        }
      }
    }
    try (JdbcStore restarted = db.open("durability-memory", Map.of("durability", "memory"))) {
      assertThat(join(restarted.eventStore().admit(e)).kind())
          .as("memory does not survive a restart").isEqualTo(Admission.Kind.NEW);
    }
  }

  @Test
  void concurrentAdmitsShareTransactions() throws Exception {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    int events = 400;
    try (JdbcStore store = db.open("group", Map.of(), metrics)) {
      List<CompletableFuture<Admission>> all = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        all.add(store.eventStore().admit(event("g" + i)).toCompletableFuture());
      }
      for (CompletableFuture<Admission> f : all) {
        assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).kind())
            .isEqualTo(Admission.Kind.NEW);
      }
    }
    long commits = metrics.get("sluice.store.commit").timer().count();
    double largest = metrics.get("sluice.store.commit.batch").summary().max();
    assertThat(commits).as("transactions for %d admits", events).isLessThan(events / 4);
    assertThat(largest).isGreaterThan(1);
  }

  @Test
  void purgesCompletedResultsPastTheirRetention() throws Exception {
    try (JdbcStore store = db.open("purging", Map.of("retention", "1ms"))) {
      Event done = event("purged");
      Event running = event("still-running");
      join(store.eventStore().admit(done));
      join(store.eventStore().admit(running));
      join(store.eventStore().complete(done.key(), Result.ok(done.id())));
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> store.purge() > 0
          || join(store.eventStore().admit(done)).kind() == Admission.Kind.NEW);
      assertThat(join(store.eventStore().admit(running)).kind())
          .isEqualTo(Admission.Kind.IN_PROGRESS);
    }
  }
}
