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
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;
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
  void eachThreadsStripeKeepsItsNewestResultsUpToTheBoundAndAnyThreadFindsThem()
      throws Exception {
    int max = 1_000;
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, max, 2);
    int each = max + max / 2;
    // two threads, so two stripes: each completes its own events
    runInThreads(2, t -> {
      for (int i = 0; i < each; i++) {
        Event e = event(t + "-" + i);
        assertThat(admit(store, e).kind()).isEqualTo(Admission.Kind.NEW);
        store.complete(e.key(), Result.ok(e.id()));
      }
    });

    // this thread has a stripe of its own (or shares one): it finds both threads' results
    for (int t = 0; t < 2; t++) {
      for (int i = 0; i < each; i++) {
        Admission a = admit(store, event(t + "-" + i));
        if (i < each - max) {
          assertThat(a.kind()).as("forgotten: %d-%d", t, i).isEqualTo(Admission.Kind.NEW);
          store.release(new EventKey("/orders", t + "-" + i));
        } else {
          assertThat(a.kind()).as("%d-%d", t, i).isEqualTo(Admission.Kind.COMPLETED);
          assertThat(a.result().orElseThrow().eventId()).isEqualTo(t + "-" + i);
        }
      }
    }
  }

  @Test
  void ofCopiesAdmittedAtOnceByTwoThreadsExactlyOneIsNew() throws Exception {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100_000, 2);
    int events = 20_000;
    int[][] kinds = new int[2][events];
    // both threads admit the same events in the same order, in step (neither starts an event
    // before the other is done with the one before); the one that gets NEW completes it at once,
    // so the other's copy meets it in progress, or completed, or (wrongly) not at all
    AtomicIntegerArray done =
        new AtomicIntegerArray(new int[] {-1, -1});
    runInThreads(2, t -> {
      for (int i = 0; i < events; i++) {
        int before = i - 1;
        spinUntil(() -> done.get(1 - t) >= before);
        Event e = event("same-" + i);
        Admission a = admit(store, e);
        kinds[t][i] = a.kind().ordinal();
        if (a.kind() == Admission.Kind.NEW) {
          store.complete(e.key(), Result.ok(e.id(), "by " + t, "text/plain"));
        } else if (a.kind() == Admission.Kind.COMPLETED) {
          assertThat(a.result().orElseThrow().eventId()).isEqualTo(e.id());
        }
        done.set(t, i);
      }
    });

    int news = 0;
    for (int i = 0; i < events; i++) {
      int fresh = (kinds[0][i] == Admission.Kind.NEW.ordinal() ? 1 : 0)
          + (kinds[1][i] == Admission.Kind.NEW.ordinal() ? 1 : 0);
      assertThat(fresh).as("copies of same-%d admitted as new", i).isEqualTo(1);
      news += fresh;
    }
    assertThat(news).isEqualTo(events);
  }

  @Test
  void copiesAdmittedAtOnceAfterTheEventCompletedAllGetTheResult() throws Exception {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100_000, 2);
    Object engine = new Object();
    int events = 20_000;
    AtomicIntegerArray done =
        new AtomicIntegerArray(new int[] {-1, -1});
    // thread 0 processes each event, then both threads send a copy of it at once: one from the
    // same engine, one from another (a copy's claim, while it looks the result up, must not
    // make the other copy hear IN_PROGRESS)
    runInThreads(2, t -> {
      for (int i = 0; i < events; i++) {
        Event e = event("done-" + i);
        if (t == 0) {
          int before = i - 1;
          spinUntil(() -> done.get(1) >= before);
          assertThat(store.admit(e, engine).toCompletableFuture().join().kind())
              .isEqualTo(Admission.Kind.NEW);
          store.complete(e.key(), Result.ok(e.id(), "#" + i, "text/plain"));
          done.set(0, i);
        } else {
          int now = i;
          spinUntil(() -> done.get(0) >= now);
        }
        Admission copy = store.admit(e, t == 0 ? engine : null).toCompletableFuture().join();
        assertThat(copy.kind()).as("copy of done-%d from thread %d", i, t)
            .isEqualTo(Admission.Kind.COMPLETED);
        assertThat(copy.result().orElseThrow().dataAsString()).isEqualTo("#" + i);
        if (t == 1) {
          done.set(1, i);
        }
      }
    });
  }

  @Test
  void aRepeatFindsItsResultWhileTheStripeThatHoldsItKeepsWritingAndRebuildingItsIndex()
      throws Exception {
    int max = 2_000;
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, max, 2);
    AtomicInteger completedUpTo = new AtomicInteger(-1);
    int total = 200_000; // the writer's index is rebuilt about every 2 000 puts
    AtomicInteger checked = new AtomicInteger();
    runInThreads(2, t -> {
      if (t == 0) {
        for (int i = 0; i < total; i++) {
          Event e = event("w-" + i);
          admit(store, e);
          store.complete(e.key(), Result.ok(e.id(), "#" + i, "text/plain"));
          completedUpTo.set(i);
        }
      } else {
        Random random = new Random(3);
        while (completedUpTo.get() < total - 1) {
          if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted: the writer failed");
          }
          int upTo = completedUpTo.get();
          if (upTo < 0) {
            continue;
          }
          // one of the writer's newest half window
          int i = Math.max(0, upTo - random.nextInt(max / 2));
          Admission a = admit(store, event("w-" + i));
          if (a.kind() == Admission.Kind.NEW && completedUpTo.get() + 1 - i >= max) {
            // this thread was held up while the writer went a whole window further (its put of
            // the next event, which may have pushed this one out, may not be counted yet)
            store.release(new EventKey("/orders", "w-" + i));
            continue;
          }
          assertThat(a.kind()).as("w-%d, completed up to w-%d", i, upTo)
              .isEqualTo(Admission.Kind.COMPLETED);
          assertThat(a.result().orElseThrow().dataAsString()).isEqualTo("#" + i);
          checked.incrementAndGet();
        }
      }
    });
    assertThat(checked.get()).as("repeats looked up while the writer wrote").isPositive();
  }

  @Test
  void eventsInProgressAreListedEldestFirst() {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100, 1);
    Event first = event("first");
    Event second = event("second");
    Event third = event("third");
    for (Event e : new Event[] {first, second, third}) {
      admit(store, e);
    }
    store.complete(second.key(), Result.ok(second.id()));

    assertThat(store.incomplete(10)).containsExactly(first, third);
    assertThat(store.incomplete(1)).containsExactly(first);
  }

  @Test
  void aBoundOfOneKeepsTheEventJustAdmitted() {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 1, 1);
    admit(store, event("one"));
    Event two = event("two");
    assertThat(admit(store, two).kind()).isEqualTo(Admission.Kind.NEW);

    assertThat(store.incomplete(10)).containsExactly(two);
    assertThat(admit(store, two).kind()).as("still claimed").isEqualTo(Admission.Kind.IN_PROGRESS);
  }

  @Test
  void theEldestEventInProgressIsDroppedFirstWhicheverThreadAdmittedIt() throws Exception {
    int max = 64;
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, max, 2);
    Object engine = new Object();
    Event eldest = event("quiet-thread's");
    AtomicReference<CompletableFuture<Result>> copy =
        new AtomicReference<>();
    AtomicBoolean admitted = new AtomicBoolean();
    // thread 0 admits one event and nothing more; thread 1 then admits many (its own stripe)
    runInThreads(2, t -> {
      if (t == 0) {
        assertThat(store.admit(eldest, engine).toCompletableFuture().join().kind())
            .isEqualTo(Admission.Kind.NEW);
        copy.set(store.admit(eldest, engine).toCompletableFuture().join().settled()
            .orElseThrow().toCompletableFuture());
        admitted.set(true);
      } else {
        spinUntil(admitted::get);
        for (int i = 0; i < 2 * max; i++) {
          assertThat(admit(store, event("busy-" + i)).kind()).isEqualTo(Admission.Kind.NEW);
        }
      }
    });

    assertThat(copy.get()).as("the eldest, dropped: null, to retry")
        .isCompletedWithValue(null);
    assertThat(store.incomplete(max)).doesNotContain(eldest)
        .contains(event("busy-" + (2 * max - 1)));
  }

  @Test
  void anIndexProbedWithoutTheLockSaysMaybeForEveryKeyItHoldsAndNoForAlmostAllOthers() {
    CompletedResults table = new CompletedResults(1_000);
    for (int i = 0; i < 5_000; i++) {
      table.put(new EventKey("/s", "held-" + i), Result.ok("held-" + i), i);
    }
    ResultIndex index = table.index();
    for (int i = 4_000; i < 5_000; i++) {
      assertThat(index.mayHold(CompletedResults.hash(new EventKey("/s", "held-" + i))))
          .as("held-%d", i).isTrue();
    }
    int maybe = 0;
    for (int i = 0; i < 10_000; i++) {
      if (index.mayHold(CompletedResults.hash(new EventKey("/s", "never-" + i)))) {
        maybe++;
      }
    }
    assertThat(maybe).as("keys never put that the probe could not rule out").isLessThan(10);
  }

  @Test
  void pastTheBoundTheEldestEventsInProgressAreDroppedAndTheirCopiesToldToRetry() {
    int max = 64;
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, max, 1);
    Object engine = new Object();
    Event eldest = event("in-progress-0");
    assertThat(store.admit(eldest, engine).toCompletableFuture().join().kind())
        .isEqualTo(Admission.Kind.NEW);
    CompletableFuture<Result> copy = store.admit(eldest, engine).toCompletableFuture().join()
        .settled().orElseThrow().toCompletableFuture();
    for (int i = 1; i < 10 * max; i++) {
      assertThat(admit(store, event("in-progress-" + i)).kind()).isEqualTo(Admission.Kind.NEW);
      assertThat(store.incomplete(Integer.MAX_VALUE).size()).as("after %d admissions", i + 1)
          .isLessThanOrEqualTo(max + max / 16);
    }

    assertThat(copy).as("dropped: null, to retry").isCompletedWithValue(null);
    // its processing finishes after all: the result is kept for its next copy
    store.complete(eldest.key(), Result.ok(eldest.id(), "late", "text/plain"));
    Admission again = store.admit(eldest, engine).toCompletableFuture().join();
    assertThat(again.kind()).isEqualTo(Admission.Kind.COMPLETED);
    assertThat(again.result().orElseThrow().dataAsString()).isEqualTo("late");
    Event newest = event("in-progress-" + (10 * max - 1));
    assertThat(admit(store, newest).kind()).isEqualTo(Admission.Kind.IN_PROGRESS);
  }

  @Test
  void threadsAdmittingAndCompletingAtOnceEachGetTheirOwnResults() throws Exception {
    InMemoryEventStore store = new InMemoryEventStore(clock, 60_000, 100_000);
    int perThread = 20_000;
    runInThreads(4, t -> {
      for (int i = 0; i < perThread; i++) {
        Event e = event("t" + t + "-" + i);
        assertThat(admit(store, e).kind()).isEqualTo(Admission.Kind.NEW);
        store.complete(e.key(), Result.ok(e.id()));
      }
    });
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
      IntUnaryOperator dataSize) {
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

  /**
   * Runs {@code body} with 0 to {@code threads - 1} on as many threads, at once; rethrows the
   * first failure as soon as it happens, and stops the other threads.
   */
  private static void runInThreads(int threads, IntConsumer body)
      throws Exception {
    ExecutorService pool = Executors
        .newFixedThreadPool(threads);
    try {
      CompletionService<Void> running =
          new ExecutorCompletionService<>(pool);
      CountDownLatch start = new CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        int n = t;
        running.submit(() -> {
          start.await();
          body.accept(n);
          return null;
        });
      }
      start.countDown();
      for (int t = 0; t < threads; t++) {
        Future<Void> finished =
            running.poll(2, TimeUnit.MINUTES);
        assertThat(finished).as("a thread finished within 2 minutes").isNotNull();
        try {
          finished.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error; // an assertion's own message
          }
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Spins until {@code condition} holds; stops when the thread is interrupted. */
  private static void spinUntil(BooleanSupplier condition) {
    while (!condition.getAsBoolean()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new IllegalStateException("interrupted: another thread failed");
      }
      Thread.onSpinWait();
    }
  }

}
