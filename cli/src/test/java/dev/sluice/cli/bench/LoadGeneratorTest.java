package dev.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventClient;
import dev.sluice.testkit.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class LoadGeneratorTest {
  private static final Event TEMPLATE = Event.builder().id("template").source("/bench/test")
      .type("example.echo").data("{\"n\": 1}", "application/json").build();
  private static final ScheduledExecutorService LATER =
      Executors.newSingleThreadScheduledExecutor();

  @AfterAll
  static void shutdown() {
    LATER.shutdownNow();
  }

  @Test
  void sendsTheRequestedNumberThroughARealServerWithAFreshIdEach() throws Exception {
    try (TestServer server = TestServer.start("""
        transport: {type: memory, memory: {address: load-generator-test}}
        processors: [{name: echo, types: [example.echo]}]
        """)) {
      Set<String> ids = ConcurrentHashMap.newKeySet();
      List<EventClient> clients = List.of(server.server().newClient(),
          server.server().newClient());
      List<EventClient> recording = clients.stream()
          .map(c -> (EventClient) new FakeClient(e -> {
            ids.add(e.id());
            return c.send(e, Duration.ofSeconds(10));
          })).toList();

      BenchResult result = LoadGenerator.builder(recording, EventFactory.fromTemplate(TEMPLATE))
          .requests(2_000).concurrency(8).build().run();

      clients.forEach(EventClient::close);
      assertThat(result.completed()).isEqualTo(2_000);
      assertThat(result.ok()).isEqualTo(2_000);
      assertThat(result.byStatus()).containsExactly(java.util.Map.entry("OK", 2_000L));
      assertThat(result.errors()).isZero();
      assertThat(ids).hasSize(2_000).doesNotContain("template");
      assertThat(result.histogram().getTotalCount()).isEqualTo(2_000);
      assertThat(result.throughput()).isPositive();
      assertThat(result.latency().p50()).isPositive()
          .isLessThanOrEqualTo(result.latency().p99());
    }
  }

  @Test
  void neverHasMoreThanTheConcurrencyInFlight() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger highest = new AtomicInteger();
    List<EventClient> clients = List.of(answerAfter(Duration.ofMillis(2), inFlight, highest),
        answerAfter(Duration.ofMillis(2), inFlight, highest),
        answerAfter(Duration.ofMillis(2), inFlight, highest));

    BenchResult result = LoadGenerator.builder(clients, EventFactory.fromTemplate(TEMPLATE))
        .requests(600).concurrency(7).build().run();

    assertThat(result.completed()).isEqualTo(600);
    assertThat(highest.get()).isLessThanOrEqualTo(7).isGreaterThan(1);
  }

  @Test
  void openLoopChargesAStallToEveryRequestItDelayed() throws Exception {
    BenchResult open = runWithOneStall(200);
    BenchResult closed = runWithOneStall(0);

    // 200/s for 2 s with a 400 ms stall: about 80 requests were due while it lasted, so an open
    // loop sees far more than 10% slow requests; a closed loop sees just the one that stalled.
    assertThat(open.latency().p90()).as("open loop p90").isGreaterThan(100_000);
    assertThat(closed.latency().p90()).as("closed loop p90").isLessThan(100_000);
    assertThat(closed.latency().max()).isGreaterThan(350_000);
  }

  private static BenchResult runWithOneStall(double rate) throws Exception {
    AtomicInteger sent = new AtomicInteger();
    EventClient client = new FakeClient(e -> {
      Result ok = Result.ok(e.id());
      if (sent.incrementAndGet() == 20) {
        CompletableFuture<Result> later = new CompletableFuture<>();
        LATER.schedule(() -> later.complete(ok), 400, TimeUnit.MILLISECONDS);
        return later;
      }
      return CompletableFuture.completedFuture(ok);
    });
    LoadGenerator.Builder b = LoadGenerator.builder(List.of(client),
        EventFactory.fromTemplate(TEMPLATE)).concurrency(1);
    if (rate > 0) {
      b.rate(rate).duration(Duration.ofSeconds(2));
    } else {
      b.requests(400);
    }
    return b.build().run();
  }

  @Test
  void countsResultsByStatusAndClientFailures() throws Exception {
    AtomicInteger n = new AtomicInteger();
    EventClient client = new FakeClient(e -> {
      switch (n.incrementAndGet() % 3) {
        case 0:
          throw new IllegalStateException("connection reset");
        case 1:
          return CompletableFuture.completedFuture(Result.ok(e.id()));
        default:
          return CompletableFuture.completedFuture(
              Result.failure(e.id(), Status.OVERLOADED, "BACKLOG_FULL", "full"));
      }
    });

    BenchResult result = LoadGenerator.builder(List.of(client),
        EventFactory.fromTemplate(TEMPLATE)).requests(300).concurrency(4).build().run();

    assertThat(result.completed()).isEqualTo(300);
    assertThat(result.byStatus()).containsEntry("OK", 100L).containsEntry("OVERLOADED", 100L)
        .containsEntry(BenchResult.CLIENT_EXCEPTION, 100L);
    assertThat(result.errors()).isEqualTo(200);
    assertThat(result.toMap()).containsEntry("requests", 300L).containsEntry("errors", 200L);
  }

  @Test
  void reportsRequestsThatNeverGetAResultAsUnfinished() throws Exception {
    EventClient silent = new FakeClient(e -> new CompletableFuture<>());

    BenchResult result = LoadGenerator.builder(List.of(silent),
            EventFactory.fromTemplate(TEMPLATE))
        .requests(3).concurrency(3).timeout(Duration.ofMillis(100)).build().run();

    assertThat(result.completed()).isZero();
    assertThat(result.unfinished()).isEqualTo(3);
    assertThat(result.errors()).isEqualTo(3);
  }

  @Test
  void reportsProgressWhileRunningAndSkipsTheWarmUp() throws Exception {
    List<Progress> reports = new CopyOnWriteArrayList<>();
    EventClient client = answerAfter(Duration.ofMillis(1), new AtomicInteger(),
        new AtomicInteger());

    BenchResult result = LoadGenerator.builder(List.of(client),
            EventFactory.fromTemplate(TEMPLATE))
        .warmup(Duration.ofMillis(300)).duration(Duration.ofMillis(900)).concurrency(2)
        .progress(Duration.ofMillis(100), reports::add).build().run();

    assertThat(reports).isNotEmpty();
    assertThat(reports.get(0).warmingUp()).isTrue();
    assertThat(reports.get(reports.size() - 1).warmingUp()).isFalse();
    assertThat(reports.get(reports.size() - 1).format()).contains("req/s").contains("p99");
    assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(3));
    assertThat(reports.get(reports.size() - 1).completed()).isGreaterThan(result.completed());
  }

  @Test
  void aFailingEventFactoryAbortsTheRun() {
    EventClient client = new FakeClient(e -> CompletableFuture.completedFuture(Result.ok(e.id())));
    LoadGenerator generator = LoadGenerator.builder(List.of(client), seq -> {
      throw new IllegalArgumentException("no such template");
    }).requests(5).build();

    assertThatThrownBy(generator::run).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no such template");
  }

  @Test
  void rejectsContradictorySettingsNamingThem() {
    EventClient client = new FakeClient(e -> CompletableFuture.completedFuture(Result.ok(e.id())));
    EventFactory events = EventFactory.fromTemplate(TEMPLATE);

    assertThatThrownBy(() -> LoadGenerator.builder(List.of(client), events).build())
        .hasMessageContaining("either a number of requests or a duration, not neither");
    assertThatThrownBy(() -> LoadGenerator.builder(List.of(client), events).requests(1)
        .duration(Duration.ofSeconds(1)).build())
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> LoadGenerator.builder(List.of(client, client), events)
        .requests(1).concurrency(1).build())
        .hasMessageContaining("concurrency (1) must be at least the number of connections (2)");
    assertThatThrownBy(() -> LoadGenerator.builder(List.of(client), events).requests(1)
        .rate(-5).build())
        .hasMessageContaining("rate must be 0 (closed loop) or a positive number");
  }

  private static EventClient answerAfter(Duration delay, AtomicInteger inFlight,
      AtomicInteger highest) {
    return new FakeClient(e -> {
      highest.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      CompletableFuture<Result> r = new CompletableFuture<>();
      LATER.schedule(() -> {
        inFlight.decrementAndGet();
        r.complete(Result.ok(e.id()));
      }, delay.toNanos(), TimeUnit.NANOSECONDS);
      return r;
    });
  }

  /** A client whose answers the test decides. */
  private static final class FakeClient implements EventClient {
    private final Function<Event, CompletionStage<Result>> answer;

    FakeClient(Function<Event, CompletionStage<Result>> answer) {
      this.answer = answer;
    }

    @Override
    public CompletionStage<Result> send(Event event, Duration timeout) {
      return answer.apply(event);
    }

    @Override
    public void close() {
    }
  }
}
