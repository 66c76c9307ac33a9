package dev.sluice.internal.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.Admission;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InMemoryEventStoreTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T12:00:00Z"));

  private static Event event(String id) {
    return Event.builder().id(id).source("/orders").type("t").build();
  }

  private static Admission admit(InMemoryEventStore store, Event e) {
    return store.admit(e).toCompletableFuture().join();
  }

  @Test
  void aRepeatGetsTheStoredResultWithEveryPart() {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100);
    Result ok = Result.ok("a", new byte[] {0, 1, (byte) 0xff}, "application/octet-stream");
    Result failed = Result.failure("b", Status.ERROR, "NO_SUCH_ACCOUNT", "account 7 — gone")
        .asDeadLettered();
    Result bare = Result.ok("c");
    for (Result r : new Result[] {ok, failed, bare}) {
      assertThat(admit(store, event(r.eventId())).kind()).isEqualTo(Admission.Kind.NEW);
      store.complete(new EventKey("/orders", r.eventId()), r);
    }

    for (Result r : new Result[] {ok, failed, bare}) {
      Admission again = admit(store, event(r.eventId()));
      assertThat(again.kind()).isEqualTo(Admission.Kind.COMPLETED);
      assertThat(again.result()).contains(r);
      assertThat(again.result().orElseThrow().isDeadLettered()).isEqualTo(r.isDeadLettered());
    }
  }

  @Test
  void anEventInProgressIsAnsweredSoUntilCompletedOrReleased() {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100);
    Event e = event("p-1");
    admit(store, e);

    assertThat(admit(store, e).kind()).isEqualTo(Admission.Kind.IN_PROGRESS);
    assertThat(store.incomplete(10)).containsExactly(e);
    store.release(e.key());
    assertThat(store.incomplete(10)).isEmpty();
    assertThat(admit(store, e).kind()).isEqualTo(Admission.Kind.NEW);
  }

  @Test
  void aCopyFromTheSameAdmitterIsToldWhenTheEventSettlesAndOthersHearInProgress() {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100);
    Object engine = new Object();
    Object otherEngine = new Object();
    Event done = event("settles-with-a-result");
    Event dropped = event("released");
    assertThat(store.admit(done, engine).toCompletableFuture().join().kind())
        .isEqualTo(Admission.Kind.NEW);
    assertThat(store.admit(dropped, engine).toCompletableFuture().join().kind())
        .isEqualTo(Admission.Kind.NEW);

    Admission fromOther = store.admit(done, otherEngine).toCompletableFuture().join();
    Admission anonymous = admit(store, done);
    Admission copy = store.admit(done, engine).toCompletableFuture().join();
    Admission droppedCopy = store.admit(dropped, engine).toCompletableFuture().join();
    assertThat(fromOther.kind()).isEqualTo(Admission.Kind.IN_PROGRESS);
    assertThat(fromOther.settled()).as("another engine's copy waits for nobody").isEmpty();
    assertThat(anonymous.settled()).isEmpty();
    assertThat(copy.kind()).isEqualTo(Admission.Kind.IN_PROGRESS);
    CompletableFuture<Result> settled = copy.settled().orElseThrow().toCompletableFuture();
    CompletableFuture<Result> droppedSettled =
        droppedCopy.settled().orElseThrow().toCompletableFuture();
    assertThat(settled).isNotDone();
    CompletableFuture<Result> secondCopy = store.admit(done, engine).toCompletableFuture().join()
        .settled().orElseThrow().toCompletableFuture();
    secondCopy.complete(Result.ok("settles-with-a-result", "forged", "text/plain"));
    assertThat(settled).as("one copy cannot answer the others").isNotDone();

    Result result = Result.ok("settles-with-a-result", "done", "text/plain");
    store.complete(done.key(), result);
    store.release(dropped.key());
    assertThat(settled).isCompletedWithValue(result);
    assertThat(droppedSettled).as("released: null, to retry").isCompletedWithValue(null);
    assertThat(store.admit(dropped, engine).toCompletableFuture().join().kind())
        .isEqualTo(Admission.Kind.NEW);
  }

  @Test
  void keepsTheNewestResultsUpToItsBoundAndForgetsThemAfterTheRetention() {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 3);
    for (int i = 1; i <= 5; i++) {
      Event e = event("e-" + i);
      admit(store, e);
      store.complete(e.key(), Result.ok(e.id()));
      clock.advance(Duration.ofMillis(1_000));
    }

    assertThat(admit(store, event("e-3")).kind()).isEqualTo(Admission.Kind.COMPLETED);
    assertThat(admit(store, event("e-5")).kind()).isEqualTo(Admission.Kind.COMPLETED);
    assertThat(admit(store, event("e-2")).kind()).isEqualTo(Admission.Kind.NEW); // forgotten
    clock.advance(Duration.ofMillis(61_000));
    assertThat(admit(store, event("e-5")).kind()).isEqualTo(Admission.Kind.NEW); // expired
  }

  @Test
  void aLargeStoreSplitByKeyKeepsItsBoundAndTheNewestResults() {
    int max = 8 * InMemoryEventStore.ENTRIES_PER_SEGMENT;
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, max);
    int events = max + max / 2;
    for (int i = 0; i < events; i++) {
      Event e = event("e-" + i);
      admit(store, e);
      store.complete(e.key(), Result.ok(e.id()));
    }

    int remembered = 0;
    for (int i = 0; i < events; i++) {
      Admission a = admit(store, event("e-" + i));
      if (a.kind() == Admission.Kind.COMPLETED) {
        remembered++;
        assertThat(a.result().orElseThrow().eventId()).isEqualTo("e-" + i);
      } else {
        store.release(new EventKey("/orders", "e-" + i));
      }
    }
    assertThat(remembered).as("every segment full, none over its share").isEqualTo(max);
    for (int i = events - max / 2; i < events; i++) {
      assertThat(admit(store, event("e-" + i)).kind()).as("e-" + i)
          .isEqualTo(Admission.Kind.COMPLETED);
    }
  }

  @Test
  void threadsAdmittingAndCompletingAtOnceEachGetTheirOwnResults() throws Exception {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100_000);
    int perThread = 20_000;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
        .newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String prefix = "t" + t + "-";
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            Event e = event(prefix + i);
            assertThat(admit(store, e).kind()).isEqualTo(Admission.Kind.NEW);
            store.complete(e.key(), Result.ok(e.id()));
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int t = 0; t < 4; t++) {
      for (int i = 0; i < perThread; i += 97) {
        Admission a = admit(store, event("t" + t + "-" + i));
        assertThat(a.kind()).isEqualTo(Admission.Kind.COMPLETED);
        assertThat(a.result().orElseThrow().eventId()).isEqualTo("t" + t + "-" + i);
      }
    }
  }

  @Test
  void theCompactTableAgreesWithAMapUnderRandomInsertsReplacementsAndEvictions() {
    int max = 64;
    CompletedResults table = new CompletedResults(max);
    Map<EventKey, Result> model = new LinkedHashMap<>();
    Random random = new Random(7);
    for (int op = 0; op < 50_000; op++) {
      // few distinct keys, so replacements, and collisions of String hashes ("Aa" and "BB")
      String id = (random.nextBoolean() ? "Aa" : "BB") + random.nextInt(200);
      EventKey key = new EventKey("/s", id);
      Result result = Result.ok(id, "op " + op, "text/plain");
      table.put(key, result, op);
      model.remove(key);
      model.put(key, result);
      while (model.size() > max) {
        model.remove(model.keySet().iterator().next());
      }
      if (op % 97 == 0) {
        for (int i = 0; i < 200; i++) {
          for (String prefix : new String[] {"Aa", "BB"}) {
            EventKey probe = new EventKey("/s", prefix + i);
            Result stored = table.get(probe);
            if (stored != null) {
              // a replaced key may be forgotten early (its stale copy holds a ring place),
              // but what is answered is always the newest result
              assertThat(stored).isEqualTo(model.get(probe));
            }
          }
        }
      }
    }
    assertThat(table.size()).isLessThanOrEqualTo(max);
    EventKey last = model.keySet().stream().reduce((x, y) -> y).orElseThrow();
    assertThat(table.get(last)).isEqualTo(model.get(last));
  }

  @Test
  void withDistinctKeysTheTableHoldsExactlyTheNewestOnes() {
    // small records: one ring, long probe runs ("Aa" and "BB" have the same String hash)
    assertHoldsTheNewest(50, 5_000, n -> 0);
  }

  @Test
  void resultsOfEverySizeSurviveTheRingGrowingAndWrapping() {
    // from empty to 1.5 KB of data: the ring grows from 64 KB, wraps around its end, and the
    // results over 1 KB keep their body in an array of their own
    Random random = new Random(11);
    assertHoldsTheNewest(2_000, 20_000, n -> random.nextInt(1_500));
  }

  @Test
  void inASteadyStreamTheRingStopsGrowingAtTwiceWhatItsResultsNeed() {
    CompletedResults table = new CompletedResults(1_000);
    for (int n = 0; n < 100_000; n++) {
      String id = "event-" + (1_000_000 + n);
      table.put(new EventKey("/orders", id), Result.ok(id, "{\"n\": 1234567}", "application/json"),
          n);
    }
    // each record here is 90 bytes: 1 000 of them need 90 KB, so 256 KB at most (64 KB
    // doubling); the largest it may grow to for 1 000 results of up to 1 KB is about 1 MB
    assertThat(table.size()).isEqualTo(1_000);
    assertThat(table.ringBytes()).isLessThanOrEqualTo(256 * 1024);
  }

  private static void assertHoldsTheNewest(int max, int total,
      java.util.function.IntUnaryOperator dataSize) {
    CompletedResults table = new CompletedResults(max);
    Result[] results = new Result[total];
    for (int n = 0; n < total; n++) {
      String id = (n % 2 == 0 ? "Aa" : "BB") + (n / 2);
      byte[] data = new byte[dataSize.applyAsInt(n)];
      Arrays.fill(data, (byte) n);
      results[n] = n % 3 == 0
          ? Result.failure(id, Status.ERROR, "CODE_" + n, "message " + n).asDeadLettered()
          : Result.ok(id, data, "application/octet-stream");
      table.put(new EventKey("/s", id), results[n], n);
      if (n % 997 == 0 || n == total - 1) {
        for (int m = Math.max(0, n - max - 100); m <= n; m++) {
          Result stored = table.get(new EventKey("/s", results[m].eventId()));
          if (n - m < max) {
            assertThat(stored).as("result %d after %d puts", m, n + 1).isEqualTo(results[m]);
            assertThat(stored.isDeadLettered()).isEqualTo(results[m].isDeadLettered());
          } else {
            assertThat(stored).as("result %d after %d puts", m, n + 1).isNull();
          }
        }
      }
    }
    assertThat(table.size()).isEqualTo(max);
    assertThat(table.eldestMillis()).isEqualTo(total - max);
  }
}
