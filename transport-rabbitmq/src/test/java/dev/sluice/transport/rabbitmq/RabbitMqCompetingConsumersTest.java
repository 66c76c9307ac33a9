package dev.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.internal.services.InMemoryEventStore;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Several servers on one queue share the work, and a crashed one loses nothing. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RabbitMqCompetingConsumersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path directory;

  private final RabbitFixture fixture = new RabbitFixture();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    fixture.close();
  }

  @Test
  void twoServersOnOneQueueShareTheRequests() throws Exception {
    RabbitServers a = RabbitServers.processors();
    RabbitServers b = RabbitServers.processors();
    toClose.add(a.start(fixture, directory.resolve("a"), "server-a", null));
    RabbitServers.Started started = b.start(fixture, directory.resolve("b"), "server-b", null);
    toClose.add(started);
    EventClient client = started.server().newClient();
    toClose.add(client);

    int count = 200;
    List<CompletableFuture<Result>> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      results.add(client.send(RabbitServers.event(RabbitServers.HOLD, "n" + i), WAIT)
          .toCompletableFuture());
    }
    for (int i = 0; i < count; i++) {
      Result r = results.get(i).get(40, TimeUnit.SECONDS);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
      assertThat(r.dataAsString()).isEqualTo("n" + i);
    }
    assertThat(a.holdCalls.get() + b.holdCalls.get()).isEqualTo(count);
    assertThat(a.holdCalls.get()).as("server a's share").isPositive();
    assertThat(b.holdCalls.get()).as("server b's share").isPositive();
  }

  @Test
  void eventOfAServerKilledMidProcessingIsDeliveredAgainAndAppliedOnce() throws Exception {
    CountingStore store = new CountingStore();
    RabbitServers a = RabbitServers.processors();
    a.hold = new CountDownLatch(1);
    RabbitServers.Started serverA = a.start(fixture, directory.resolve("a"), "server-a", store);
    toClose.add(serverA);
    EventClient client = serverA.server().newClient();
    toClose.add(client);

    Event event = RabbitServers.event(RabbitServers.HOLD, "exactly once");
    CompletableFuture<Result> first = client.send(event, Duration.ofSeconds(60))
        .toCompletableFuture();
    await("server a processing the event").atMost(WAIT).until(() -> a.holdCalls.get() == 1);

    RabbitServers b = RabbitServers.processors();
    toClose.add(b.start(fixture, directory.resolve("b"), "server-b", store));
    serverA.source().abortConnection(); // a crash, as far as the broker can tell

    // b gets the message again while a (still running here) has not finished it: the store
    // says in progress, and the sender is told to retry
    Result whileInProgress = first.get(40, TimeUnit.SECONDS);
    assertThat(whileInProgress.status()).as("%s", whileInProgress).isEqualTo(Status.UNAVAILABLE);
    assertThat(whileInProgress.errorCode()).contains("IN_PROGRESS");

    a.hold.countDown();
    await("server a storing its result").atMost(WAIT).until(() -> store.completed.get() == 1);

    Result retried = client.send(event, WAIT).toCompletableFuture().get(40, TimeUnit.SECONDS);
    assertThat(retried.status()).as("%s", retried).isEqualTo(Status.OK);
    assertThat(retried.dataAsString()).isEqualTo("exactly once");
    assertThat(a.holdCalls.get() + b.holdCalls.get()).as("times the event was applied")
        .isEqualTo(1);
  }

  @Test
  void aServerStoppingBesideAnotherLeavesNewRequestsToItAndFinishesItsOwn() throws Exception {
    RabbitServers a = RabbitServers.processors();
    a.hold = new CountDownLatch(1);
    RabbitServers.Started serverA = a.start(fixture, directory.resolve("a"), "server-a", null);
    toClose.add(serverA);
    EventClient client = serverA.server().newClient();
    toClose.add(client);
    Event held = RabbitServers.event(RabbitServers.HOLD, "finished while stopping");
    CompletableFuture<Result> heldResult = client.send(held, Duration.ofSeconds(60))
        .toCompletableFuture();
    await("server a holding the event").atMost(WAIT).until(() -> a.holdCalls.get() == 1);

    RabbitServers b = RabbitServers.processors();
    toClose.add(b.start(fixture, directory.resolve("b"), "server-b", null));
    CompletableFuture<dev.sluice.engine.DrainReport> stopping =
        CompletableFuture.supplyAsync(() -> serverA.server().stop(WAIT));
    await("server a no longer ready").atMost(WAIT).until(() -> !serverA.source().isReady());

    // while a drains, every new request is served by b, none refused
    for (int i = 0; i < 20; i++) {
      Result r = client.send(RabbitServers.event(RabbitServers.HOLD, "to b " + i), WAIT)
          .toCompletableFuture().get(40, TimeUnit.SECONDS);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
    }
    assertThat(b.holdCalls.get()).isEqualTo(20);
    assertThat(stopping).as("a waits for its held event").isNotDone();

    a.hold.countDown();
    Result r = heldResult.get(40, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
    assertThat(r.dataAsString()).isEqualTo("finished while stopping");
    assertThat(stopping.get(40, TimeUnit.SECONDS).isClean()).isTrue();
    assertThat(a.holdCalls.get()).isEqualTo(1);
  }

  /** The in-memory store, counting stored results. */
  private static final class CountingStore implements EventStore {
    private final InMemoryEventStore delegate =
        new InMemoryEventStore(Clock.systemUTC(), 600_000, 10_000);
    final AtomicInteger completed = new AtomicInteger();

    @Override
    public CompletionStage<Admission> admit(Event event) {
      return delegate.admit(event);
    }

    @Override
    public CompletionStage<Void> complete(EventKey key, Result result) {
      return delegate.complete(key, result).thenRun(completed::incrementAndGet);
    }

    @Override
    public CompletionStage<Void> release(EventKey key) {
      return delegate.release(key);
    }

    @Override
    public CompletionStage<Void> deadLetter(DeadLetter letter) {
      return delegate.deadLetter(letter);
    }

    @Override
    public List<Event> incomplete(int max) {
      return delegate.incomplete(max);
    }
  }
}
