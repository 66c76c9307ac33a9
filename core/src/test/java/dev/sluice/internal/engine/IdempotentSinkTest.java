package dev.sluice.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.internal.services.InMemoryEventStore;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The idempotent sink when store calls fail midway, as when the database goes away: the sender
 * hears UNAVAILABLE, and a resend of the same event is not stuck behind a stale in-progress row.
 */
class IdempotentSinkTest {
  private final AtomicInteger processed = new AtomicInteger();
  private final FlakyStore store = new FlakyStore();
  private final IdempotentSink sink = new IdempotentSink((e, d) -> {
    processed.incrementAndGet();
    return CompletableFuture.completedFuture(Result.ok(e.id(), "done", "text/plain"));
  }, store);

  /**
   * An in-memory store whose next admit or complete fails after (or without) writing. It does
   * not {@linkplain EventStore#waitsForAdmitters wait for admitters}, as a database does not, so
   * the sink keeps its own map of the events it runs.
   */
  private static final class FlakyStore implements EventStore {
    final InMemoryEventStore memory;
    volatile boolean admitWritesThenFails;
    volatile boolean completeFails;

    FlakyStore() {
      this(new InMemoryEventStore(Clock.systemUTC(), 60_000, 100));
    }

    FlakyStore(InMemoryEventStore memory) {
      this.memory = memory;
    }

    @Override
    public CompletionStage<Admission> admit(Event event) {
      CompletionStage<Admission> written = memory.admit(event);
      if (admitWritesThenFails) {
        admitWritesThenFails = false;
        // the row committed, but the caller's timeout fired first
        return CompletableFuture.failedFuture(new TimeoutException("store did not answer"));
      }
      return written;
    }

    @Override
    public CompletionStage<Void> complete(EventKey key, Result result) {
      if (completeFails) {
        completeFails = false;
        return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
      }
      return memory.complete(key, result);
    }

    @Override
    public CompletionStage<Void> release(EventKey key) {
      return memory.release(key);
    }

    @Override
    public CompletionStage<Void> deadLetter(DeadLetter letter) {
      return memory.deadLetter(letter);
    }

    @Override
    public List<Event> incomplete(int max) {
      return memory.incomplete(max);
    }
  }

  private static Event event(String id) {
    return Event.builder().id(id).source("/test").type("t").data("{}", "application/json")
        .build();
  }

  private Result send(Event e) throws Exception {
    return sink.submit(e, Delivery.within("test", Duration.ofSeconds(5))).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aResendAfterAnAdmissionThatCommittedTooLateIsProcessed() throws Exception {
    Event e = event("late-admission");
    store.admitWritesThenFails = true;

    Result first = send(e);
    assertThat(first.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(first.errorCode()).contains("STORE_UNAVAILABLE");
    assertThat(processed).hasValue(0);

    Result again = send(e);
    assertThat(again.status()).isEqualTo(Status.OK);
    assertThat(processed).hasValue(1);
    assertThat(send(e).dataAsString()).isEqualTo("done");
    assertThat(processed).hasValue(1);
  }

  @Test
  void aResendAfterAFailedCompletionGetsTheResultWithoutProcessingAgain() throws Exception {
    Event e = event("lost-completion");
    store.completeFails = true;

    Result first = send(e);
    assertThat(first.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(processed).hasValue(1);

    Result again = send(e);
    assertThat(again.status()).isEqualTo(Status.OK);
    assertThat(again.dataAsString()).isEqualTo("done");
    assertThat(processed).hasValue(1);
    assertThat(store.memory.incomplete(10)).isEmpty();
  }

  @Test
  void anEventInProgressStaysInProgressWhenNoStoreCallFailed() throws Exception {
    Event e = event("running-elsewhere");
    store.memory.admit(e);

    Result r = send(e);
    assertThat(r.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(r.errorCode()).contains("IN_PROGRESS");
    assertThat(processed).hasValue(0);
  }

  // ------------------------------------------------ copies of one event at once, store in memory

  /**
   * The store in memory itself (it tells the sink when a running event settles), or the same
   * behind a wrapper that cannot (the sink then keeps its own map of running events).
   */
  private static EventStore memoryStore(boolean storeWaits, int entries) {
    InMemoryEventStore memory = new InMemoryEventStore(Clock.systemUTC(), 60_000, entries);
    return storeWaits ? memory : new FlakyStore(memory);
  }

  @ParameterizedTest(name = "the store waits for admitters: {0}")
  @ValueSource(booleans = {true, false})
  void aCopyThatArrivesWhileTheFirstRunsWaitsForItsResult(boolean storeWaits) throws Exception {
    CompletableFuture<Result> running = new CompletableFuture<>();
    IdempotentSink waiting = new IdempotentSink((e, d) -> {
      processed.incrementAndGet();
      return running;
    }, memoryStore(storeWaits, 100));
    Event first = event("slow");
    Event copy = Event.builder().id("slow").source("/test").type("t")
        .data("{\"copy\": true}", "application/json").build();

    CompletableFuture<Result> firstResult = waiting.submit(first, within5s()).toCompletableFuture();
    CompletableFuture<Result> copyResult = waiting.submit(copy, within5s()).toCompletableFuture();
    assertThat(copyResult).as("the copy waits for the first, not IN_PROGRESS").isNotDone();

    running.complete(Result.ok("slow", "done", "text/plain"));
    assertThat(firstResult.get(5, TimeUnit.SECONDS).dataAsString()).isEqualTo("done");
    Result copied = copyResult.get(5, TimeUnit.SECONDS);
    assertThat(copied.status()).isEqualTo(Status.OK);
    assertThat(copied.dataAsString()).isEqualTo("done");
    assertThat(processed).hasValue(1);
  }

  @ParameterizedTest(name = "the store waits for admitters: {0}")
  @ValueSource(booleans = {true, false})
  void copiesOfAnEventSentAtOnceFromSeveralThreadsAreProcessedOnceAndAllGetItsResult(
      boolean storeWaits) throws Exception {
    EventStore memory = memoryStore(storeWaits, 10_000);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    // an inline processor: it runs on the submitting thread for 0 to 3 µs, so that a copy sent
    // at the same moment finds it running, finishing, or finished
    IdempotentSink racing = new IdempotentSink((e, d) -> {
      runs.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
      long until = System.nanoTime() + 1_000L * (e.id().hashCode() & 3);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      return CompletableFuture.completedFuture(Result.ok(e.id(), "done " + e.id(), "text/plain"));
    }, memory);
    // two senders, spinning to start each event together: a barrier that parks would wake
    // them one after the other, too late to meet
    int threads = 2;
    int events = 20_000;
    AtomicInteger arrived = new AtomicInteger();
    ExecutorService senders = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Result>>> answers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        answers.add(senders.submit(() -> {
          List<CompletableFuture<Result>> mine = new ArrayList<>();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          for (int i = 0; i < events; i++) {
            arrived.incrementAndGet();
            while (arrived.get() < (i + 1) * threads) {
              if (System.nanoTime() > deadline) {
                throw new AssertionError("the other sender stopped at event " + i);
              }
              Thread.onSpinWait();
            }
            mine.add(racing.submit(event("copy-" + i), within5s()).toCompletableFuture());
          }
          List<Result> results = new ArrayList<>();
          for (CompletableFuture<Result> f : mine) {
            results.add(f.get(5, TimeUnit.SECONDS));
          }
          return results;
        }));
      }
      for (Future<List<Result>> answered : answers) {
        List<Result> results = answered.get(60, TimeUnit.SECONDS);
        for (int i = 0; i < events; i++) {
          Result r = results.get(i);
          assertThat(r.status()).as("copy-%d: %s", i, r).isEqualTo(Status.OK);
          assertThat(r.eventId()).isEqualTo("copy-" + i);
          assertThat(r.dataAsString()).isEqualTo("done copy-" + i);
        }
      }
    } finally {
      senders.shutdownNow();
    }
    assertThat(runs).hasSize(events);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n).hasValue(1));
  }

  @Test
  void aCopyOfAnEventReleasedUnprocessedIsProcessedItself() throws Exception {
    // the first attempt is refused (not a final result, so not stored); the copy waiting on it
    // is admitted anew when it is released, and processed
    CompletableFuture<Result> running = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    IdempotentSink sink = new IdempotentSink((e, d) -> calls.incrementAndGet() == 1 ? running
        : CompletableFuture.completedFuture(Result.ok(e.id(), "second try", "text/plain")),
        memoryStore(true, 100));
    Event e = event("refused-first");

    CompletableFuture<Result> first = sink.submit(e, within5s()).toCompletableFuture();
    CompletableFuture<Result> copy = sink.submit(e, within5s()).toCompletableFuture();
    assertThat(copy).isNotDone();
    running.complete(Result.failure(e.id(), Status.UNAVAILABLE, "BUSY", "try later"));

    assertThat(first.get(5, TimeUnit.SECONDS).errorCode()).contains("BUSY");
    Result copied = copy.get(5, TimeUnit.SECONDS);
    assertThat(copied.status()).as("%s", copied).isEqualTo(Status.OK);
    assertThat(copied.dataAsString()).isEqualTo("second try");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aCopyThatWaitsPastItsDeadlineTimesOutAndIsNotProcessedAfterwards() throws Exception {
    CompletableFuture<Result> running = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    IdempotentSink sink = new IdempotentSink((e, d) -> {
      calls.incrementAndGet();
      return running;
    }, memoryStore(true, 100));
    Event e = event("slow-then-refused");
    CompletableFuture<Result> first = sink.submit(e, within5s()).toCompletableFuture();

    Result copy = sink.submit(e, Delivery.within("test", Duration.ofMillis(100)))
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(copy.status()).isEqualTo(Status.TIMEOUT);
    assertThat(copy.errorCode()).contains("DEADLINE_EXCEEDED");

    // released unprocessed after the copy's sender gave up: nobody waits for a second run
    running.complete(Result.failure(e.id(), Status.UNAVAILABLE, "BUSY", "try later"));
    assertThat(first.get(5, TimeUnit.SECONDS).errorCode()).contains("BUSY");
    assertThat(calls).hasValue(1);
  }

  @Test
  void aCopySentToAnotherEngineOnTheSameStoreIsToldToRetryNotKeptWaiting() throws Exception {
    // two engines in one process sharing a store in memory, as the transports' crash tests run
    // them: an event in progress in the store may be in progress in the other engine
    InMemoryEventStore shared = new InMemoryEventStore(Clock.systemUTC(), 60_000, 100);
    CompletableFuture<Result> running = new CompletableFuture<>();
    IdempotentSink first = new IdempotentSink((e, d) -> running, shared);
    IdempotentSink second = new IdempotentSink((e, d) -> {
      processed.incrementAndGet();
      return CompletableFuture.completedFuture(Result.ok(e.id(), "again", "text/plain"));
    }, shared);
    Event e = event("shared");

    CompletableFuture<Result> firstResult = first.submit(e, within5s()).toCompletableFuture();
    Result fromSecond = second.submit(e, within5s()).toCompletableFuture()
        .get(2, TimeUnit.SECONDS);
    assertThat(fromSecond.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(fromSecond.errorCode()).contains("IN_PROGRESS");

    running.complete(Result.ok("shared", "done", "text/plain"));
    assertThat(firstResult.get(5, TimeUnit.SECONDS).dataAsString()).isEqualTo("done");
    Result retried = second.submit(e, within5s()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(retried.dataAsString()).as("the stored result").isEqualTo("done");
    assertThat(processed).hasValue(0);
  }

  private static Delivery within5s() {
    return Delivery.within("test", Duration.ofSeconds(5));
  }
}
