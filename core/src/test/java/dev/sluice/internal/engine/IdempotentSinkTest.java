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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

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

  /** An in-memory store whose next admit or complete fails after (or without) writing. */
  private static final class FlakyStore implements EventStore {
    final InMemoryEventStore memory = new InMemoryEventStore(Clock.systemUTC(), 60_000, 100);
    volatile boolean admitWritesThenFails;
    volatile boolean completeFails;

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
}
