package dev.sluice.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.MergeMode;
import dev.sluice.config.Ordering;
import dev.sluice.engine.DrainReport;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.AsyncEventProcessor;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DispatcherTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private final List<Dispatcher> started = new ArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void stopAll() {
    gate.countDown();
    started.forEach(d -> d.drain(Duration.ofSeconds(5)));
  }

  private static LaneSpec lane(String name, EventProcessor p, int concurrency, int capacity,
      Duration timeout, Ordering ordering) {
    return new LaneSpec(name, p, concurrency, capacity,
        timeout, ordering, new SharedProcessorContext(name, null,
            LoggerFactory.getLogger(name), new SimpleMeterRegistry(),
            e -> CompletableFuture.completedFuture(null), Optional.empty(), Optional.empty(),
            Optional.empty()));
  }

  private static LaneSpec lane(String name, EventProcessor p) {
    return lane(name, p, 4, 64, LONG, Ordering.NONE);
  }

  private static RoutePlan route(String pattern, String... processors) {
    return new RoutePlan(pattern, List.of(processors), MergeMode.ALL, LONG);
  }

  private Dispatcher start(List<LaneSpec> lanes, List<RoutePlan> routes) {
    Dispatcher d = new Dispatcher(lanes, routes, new SimpleMeterRegistry());
    d.start();
    started.add(d);
    return d;
  }

  private static Event event(String type, String id) {
    return Event.builder().id(id).source("/test").type(type).data(id, "text/plain").build();
  }

  private static Event keyed(String type, String id, String key) {
    return event(type, id).toBuilder().partitionKey(key).build();
  }

  private static Instant later() {
    return Instant.now().plus(LONG);
  }

  private static EventProcessor answering(String text) {
    return (e, c) -> Result.ok(e.id(), text, "text/plain");
  }

  /** Counts down {@code started}, then waits for the test's gate and answers OK. */
  private EventProcessor gated(CountDownLatch started) {
    return (e, c) -> {
      started.countDown();
      gate.await();
      return Result.ok(e.id());
    };
  }

  /** Counts down {@code started}, then blocks until interrupted, and counts {@code interrupted}. */
  private static EventProcessor stuck(CountDownLatch started, CountDownLatch interrupted) {
    return (e, c) -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException ie) {
        interrupted.countDown();
        throw ie;
      }
      return Result.ok(e.id());
    };
  }

  private static Result result(CompletableFuture<Result> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void routesExactTypeBeforeLongestWildcardBeforeCatchAll() throws Exception {
    Dispatcher d = start(
        List.of(lane("exact", answering("exact")), lane("orders", answering("orders")),
            lane("eu", answering("eu")), lane("all", answering("all"))),
        List.of(route("orders.created", "exact"), route("orders.*", "orders"),
            route("orders.eu.*", "eu"), route("*", "all")));

    assertThat(result(d.submit(event("orders.created", "1"), later())).dataAsString())
        .isEqualTo("exact");
    assertThat(result(d.submit(event("orders.paid", "2"), later())).dataAsString())
        .isEqualTo("orders");
    assertThat(result(d.submit(event("orders.eu.paid", "3"), later())).dataAsString())
        .isEqualTo("eu");
    assertThat(result(d.submit(event("users.created", "4"), later())).dataAsString())
        .isEqualTo("all");
    assertThat(result(d.submit(event("orders", "5"), later())).dataAsString()).isEqualTo("all");
  }

  @Test
  void rejectsTypeWithoutRouteNamingTheType() throws Exception {
    Dispatcher d = start(List.of(lane("a", answering("a"))), List.of(route("a.*", "a")));

    Result r = result(d.submit(event("b.created", "1"), later()));

    assertThat(r.status()).isEqualTo(Status.REJECTED);
    assertThat(r.errorCode()).contains("NO_ROUTE");
    assertThat(r.errorMessage().orElseThrow()).contains("'b.created'");
  }

  @Test
  void processorExceptionsBecomeErrorResultsWithCodes() throws Exception {
    Dispatcher d = start(List.of(
        lane("coded", (e, c) -> {
          throw new ProcessingException("NO_ACCOUNT", "account 7 does not exist");
        }),
        lane("buggy", (e, c) -> {
          throw new IllegalStateException("boom");
        }),
        lane("silent", (e, c) -> null)),
        List.of(route("coded", "coded"), route("buggy", "buggy"), route("silent", "silent")));

    Result coded = result(d.submit(event("coded", "1"), later()));
    Result buggy = result(d.submit(event("buggy", "2"), later()));
    Result silent = result(d.submit(event("silent", "3"), later()));

    assertThat(coded.status()).isEqualTo(Status.ERROR);
    assertThat(coded.errorCode()).contains("NO_ACCOUNT");
    assertThat(coded.errorMessage()).contains("account 7 does not exist");
    assertThat(buggy.errorCode()).contains("PROCESSOR_FAILED");
    assertThat(buggy.errorMessage().orElseThrow())
        .contains("'buggy'", "IllegalStateException", "boom");
    assertThat(silent.errorCode()).contains("NO_RESULT");
  }

  @Test
  void fullQueueAnswersOverloadedAtOnceAndAcceptedEventsStillComplete() throws Exception {
    CountDownLatch bothRunning = new CountDownLatch(2);
    Dispatcher d = start(List.of(lane("slow", gated(bothRunning), 2, 8, LONG, Ordering.NONE)), List.of(route("slow", "slow")));

    List<CompletableFuture<Result>> results = new ArrayList<>();
    results.add(d.submit(event("slow", "r1"), later()));
    results.add(d.submit(event("slow", "r2"), later()));
    assertThat(bothRunning.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 98; i++) {
      results.add(d.submit(event("slow", "e" + i), later()));
    }
    // 2 running + 8 queued were accepted: the other 90 were refused without waiting.
    await().atMost(Duration.ofSeconds(5)).until(() -> results.stream().filter(
        CompletableFuture::isDone).count() == 90);
    assertThat(results.stream().filter(CompletableFuture::isDone)
        .map(f -> f.getNow(null).status())).containsOnly(Status.OVERLOADED);
    Result overloaded = results.stream().filter(CompletableFuture::isDone).findFirst()
        .orElseThrow().getNow(null);
    assertThat(overloaded.errorMessage().orElseThrow()).contains("'slow'", "queue-capacity");

    gate.countDown();
    long ok = 0;
    for (CompletableFuture<Result> f : results) {
      if (result(f).isOk()) {
        ok++;
      }
    }
    assertThat(ok).isEqualTo(10);
  }

  @Test
  void pausesPausableSourcesWhenSaturatedAndResumesWhenDrained() throws Exception {
    CountDownLatch firstRunning = new CountDownLatch(1);
    Dispatcher d = start(List.of(lane("slow", gated(firstRunning), 1, 8, LONG, Ordering.NONE)), List.of(route("slow", "slow")));
    RecordingSource source = new RecordingSource();
    List<String> calls = source.calls;
    d.register(source);

    List<CompletableFuture<Result>> results = new ArrayList<>();
    results.add(d.submit(event("slow", "running"), later()));
    assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 8; i++) { // fills the queue: the high-water mark is 6 of 8
      results.add(d.submit(event("slow", "e" + i), later()));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.equals(List.of("pause")));
    assertThat(d.isPaused()).isTrue();

    gate.countDown();
    for (CompletableFuture<Result> f : results) {
      assertThat(result(f).isOk()).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.equals(List.of("pause", "resume")));
    assertThat(d.isPaused()).isFalse();
  }

  @Test
  void sameKeyRunsInOrderWhileDifferentKeysRunInParallel() throws Exception {
    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> concurrentPerKey = new ConcurrentHashMap<>();
    AtomicInteger overlapsWithinKey = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    CountDownLatch bothKeysRunning = new CountDownLatch(2);
    EventProcessor recorder = (e, c) -> {
      String key = e.partitionKey().orElseThrow();
      if (concurrentPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
        overlapsWithinKey.incrementAndGet();
      }
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      int seq = Integer.parseInt(e.dataAsString());
      if (seq == 0) {
        bothKeysRunning.countDown();
        bothKeysRunning.await(5, TimeUnit.SECONDS); // first events of k0 and k1 overlap
      }
      seen.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(seq);
      running.decrementAndGet();
      concurrentPerKey.get(key).decrementAndGet();
      return Result.ok(e.id());
    };
    Dispatcher d = start(List.of(lane("ordered", recorder, 8, 4096, LONG,
        Ordering.PARTITION_KEY)), List.of(route("ordered", "ordered")));

    List<CompletableFuture<Result>> results = new ArrayList<>();
    int perKey = 300;
    for (int i = 0; i < perKey; i++) {
      for (int k = 0; k < 4; k++) {
        Event e = Event.builder().id("k" + k + "-" + i).source("/t").type("ordered")
            .partitionKey("k" + k).data(String.valueOf(i), "text/plain").build();
        results.add(d.submit(e, later()));
      }
    }
    for (CompletableFuture<Result> f : results) {
      assertThat(result(f).isOk()).isTrue();
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < perKey; i++) {
      expected.add(i);
    }
    assertThat(seen).hasSize(4);
    seen.values().forEach(list -> assertThat(list).containsExactlyElementsOf(expected));
    assertThat(overlapsWithinKey.get()).isZero();
    assertThat(maxRunning.get()).isGreaterThan(1);
  }

  @Test
  void processorTimeoutAnswersTimeoutAndInterruptsTheWorker() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    Dispatcher d = start(List.of(lane("stuck", stuck(new CountDownLatch(0), interrupted), 1, 4, Duration.ofMillis(100), Ordering.NONE), lane("fine", answering("fine"))),
        List.of(route("stuck", "stuck"), route("fine", "fine")));

    Result r = result(d.submit(event("stuck", "1"), later()));

    assertThat(r.status()).isEqualTo(Status.TIMEOUT);
    assertThat(r.errorCode()).contains("PROCESSOR_TIMEOUT");
    assertThat(r.errorMessage().orElseThrow()).contains("'stuck'", "100ms");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    // the worker is free again, and others were never affected
    assertThat(result(d.submit(event("fine", "2"), later())).isOk()).isTrue();
  }

  @Test
  void senderDeadlineAnswersTimeoutForQueuedEvents() throws Exception {
    Dispatcher d = start(List.of(lane("slow", gated(new CountDownLatch(0)), 1, 8, LONG, Ordering.NONE)),
        List.of(route("slow", "slow")));

    CompletableFuture<Result> blocker = d.submit(event("slow", "running"), later());
    CompletableFuture<Result> queued =
        d.submit(event("slow", "queued"), Instant.now().plusMillis(150));

    Result r = result(queued);
    assertThat(r.status()).isEqualTo(Status.TIMEOUT);
    assertThat(r.errorMessage().orElseThrow()).contains("not processed");
    assertThat(blocker).isNotDone();
  }

  @Test
  void expiredEventIsNotProcessed() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Dispatcher d = start(List.of(lane("a", (e, c) -> {
      calls.incrementAndGet();
      return Result.ok(e.id());
    })), List.of(route("a", "a")));

    Result r = result(d.submit(event("a", "1"), Instant.now().minusMillis(1)));

    assertThat(r.status()).isEqualTo(Status.TIMEOUT);
    assertThat(calls.get()).isZero();
  }

  @Test
  void fanOutAllMergesEveryResultAsJson() throws Exception {
    Dispatcher d = start(List.of(
        lane("audit", (e, c) -> Result.ok(e.id(), "{\"audited\":true}", "application/json")),
        lane("billing", (e, c) -> Result.ok(e.id(), new byte[] {1, 2}, "application/octet-stream"))),
        List.of(new RoutePlan("orders.*", List.of("audit", "billing"), MergeMode.ALL, LONG)));

    Result r = result(d.submit(event("orders.created", "1"), later()));

    assertThat(r.status()).isEqualTo(Status.OK);
    JsonNode json = new ObjectMapper().readTree(r.data());
    assertThat(json.at("/results/0/processor").asText()).isEqualTo("audit");
    assertThat(json.at("/results/0/data/audited").asBoolean()).isTrue();
    assertThat(json.at("/results/1/processor").asText()).isEqualTo("billing");
    assertThat(json.at("/results/1/data_base64").asText()).isEqualTo("AQI=");
  }

  @Test
  void fanOutAllReportsPartialFailure() throws Exception {
    Dispatcher d = start(List.of(lane("good", answering("ok")), lane("bad", (e, c) -> {
      throw new ProcessingException("NOPE", "bad input");
    })), List.of(new RoutePlan("x", List.of("good", "bad"), MergeMode.ALL, LONG)));

    Result r = result(d.submit(event("x", "1"), later()));

    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.errorCode()).contains("PARTIAL_FAILURE");
    assertThat(r.errorMessage().orElseThrow()).contains("1 of 2", "bad: bad input");
  }

  @Test
  void fanOutDeadlineCancelsWhatIsLeft() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    Dispatcher d = start(List.of(lane("quick", answering("quick")), lane("stuck", stuck(new CountDownLatch(0), interrupted))),
        List.of(new RoutePlan("x", List.of("quick", "stuck"), MergeMode.ALL,
        Duration.ofMillis(150))));

    long start = System.nanoTime();
    Result r = result(d.submit(event("x", "1"), later()));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(r.status()).isEqualTo(Status.ERROR);
    assertThat(r.errorCode()).contains("PARTIAL_FAILURE");
    JsonNode json = new ObjectMapper().readTree(r.data());
    assertThat(json.at("/results/0/status").asText()).isEqualTo("OK");
    assertThat(json.at("/results/1/status").asText()).isEqualTo("TIMEOUT");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void fanOutFirstSuccessAnswersFirstOkAndCancelsTheRest() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch slowStarted = new CountDownLatch(1);
    Dispatcher d = start(List.of(lane("slow", stuck(slowStarted, interrupted)), lane("fast", (e, c) -> {
      slowStarted.await(); // so the slow one is running, not queued, when it is cancelled
      return Result.ok(e.id(), "fast", "text/plain");
    })), List.of(new RoutePlan("x", List.of("slow", "fast"), MergeMode.FIRST_SUCCESS, LONG)));

    Result r = result(d.submit(event("x", "1"), later()));

    assertThat(r.dataAsString()).isEqualTo("fast");
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void gracefulStopFinishesInFlightWorkAndRefusesNewEvents() throws Exception {
    CountDownLatch entered = new CountDownLatch(3);
    Dispatcher d = start(List.of(lane("work", gated(entered), 3, 16, LONG, Ordering.NONE)), List.of(route("work", "work")));
    List<CompletableFuture<Result>> inFlight = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inFlight.add(d.submit(event("work", "e" + i), later()));
    }
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<DrainReport> report =
        CompletableFuture.supplyAsync(() -> d.drain(Duration.ofSeconds(10)));
    await().atMost(Duration.ofSeconds(5)).until(() ->
        d.submit(event("work", "late"), later()).getNow(null) != null);
    Result late = result(d.submit(event("work", "late2"), later()));
    gate.countDown();

    assertThat(late.status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(late.errorCode()).contains("SHUTTING_DOWN");
    for (CompletableFuture<Result> f : inFlight) {
      assertThat(result(f).isOk()).isTrue();
    }
    DrainReport r = report.get(10, TimeUnit.SECONDS);
    assertThat(r.isClean()).isTrue();
    assertThat(r.completed()).isEqualTo(5);
  }

  @Test
  void stopAtDeadlineAbandonsWhatIsLeftAndReportsIt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    Dispatcher d = start(List.of(lane("stuck", stuck(entered, new CountDownLatch(0)), 1, 16, LONG, Ordering.NONE)), List.of(route("stuck", "stuck")));
    CompletableFuture<Result> running = d.submit(event("stuck", "running"), later());
    CompletableFuture<Result> queued = d.submit(event("stuck", "queued"), later());
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    DrainReport report = d.drain(Duration.ofMillis(100));

    assertThat(report.abandonedEventIds()).containsExactlyInAnyOrder("running", "queued");
    assertThat(result(running).errorCode()).contains("ABANDONED");
    assertThat(result(queued).status()).isEqualTo(Status.UNAVAILABLE);
  }

  @Test
  void memoryStaysBoundedUnderAFlood() throws Exception {
    Dispatcher d = start(List.of(lane("slow", gated(new CountDownLatch(0)), 2, 100, LONG, Ordering.PARTITION_KEY)), List.of(route("slow", "slow")));

    int accepted = 0;
    for (int i = 0; i < 50_000; i++) {
      CompletableFuture<Result> f = d.submit(keyed("slow", "e" + i, "k" + (i % 7)), later());
      Result r = f.getNow(null);
      if (r == null) {
        accepted++;
      } else {
        assertThat(r.status()).isEqualTo(Status.OVERLOADED);
      }
    }
    // queue capacity plus what the workers took: never more, however many arrive
    assertThat(accepted).isBetween(100, 102);
    assertThat(d.load().get("slow")[0]).isLessThanOrEqualTo(100);
  }

  @Test
  void metersCountResultsByStatusTimeEachEventAndShowDepthAndInFlight() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CountDownLatch slowRunning = new CountDownLatch(1);
    EventProcessor processor = (e, c) -> {
      switch (e.dataAsString()) {
        case "fail":
          throw new ProcessingException("NOPE", "refused");
        case "slow":
          slowRunning.countDown();
          gate.await();
          return Result.ok(e.id());
        default:
          return Result.ok(e.id());
      }
    };
    Dispatcher d = new Dispatcher(List.of(lane("m", processor, 1, 16, LONG, Ordering.NONE),
        lane("t", stuck(new CountDownLatch(0), new CountDownLatch(0)), 1, 4,
            Duration.ofMillis(100), Ordering.NONE)),
        List.of(route("m", "m"), route("t", "t")), registry);
    d.start();
    started.add(d);

    List<CompletableFuture<Result>> first = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      first.add(d.submit(event("m", i < 5 ? "ok" : "fail").toBuilder().id("a" + i).build(),
          later()));
    }
    for (CompletableFuture<Result> f : first) {
      result(f);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> timerCount(registry, "m") == 7);
    assertThat(results(registry, "m", Status.OK)).isEqualTo(5);
    assertThat(results(registry, "m", Status.ERROR)).isEqualTo(2);
    assertThat(registry.get("sluice.processor.latency").tag("processor", "m").functionTimer()
        .totalTime(TimeUnit.NANOSECONDS)).isPositive();

    List<CompletableFuture<Result>> second = new ArrayList<>();
    second.add(d.submit(event("m", "slow"), later()));
    assertThat(slowRunning.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 3; i++) {
      second.add(d.submit(event("m", "ok").toBuilder().id("b" + i).build(), later()));
    }
    assertThat(gauge(registry, "sluice.processor.in.flight", "m")).isEqualTo(1);
    assertThat(gauge(registry, "sluice.processor.queue.depth", "m")).isEqualTo(3);
    gate.countDown();
    for (CompletableFuture<Result> f : second) {
      assertThat(result(f).isOk()).isTrue();
    }
    await().atMost(Duration.ofSeconds(30)).until(() ->
        gauge(registry, "sluice.processor.in.flight", "m") == 0
            && gauge(registry, "sluice.processor.queue.depth", "m") == 0
            && timerCount(registry, "m") == 11);
    assertThat(results(registry, "m", Status.OK)).isEqualTo(9);

    // a timeout is counted once, by the watchdog that answered it, not again by the worker
    assertThat(result(d.submit(event("t", "late"), later())).status())
        .isEqualTo(Status.TIMEOUT);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        gauge(registry, "sluice.processor.in.flight", "t") == 0);
    assertThat(results(registry, "t", Status.TIMEOUT)).isEqualTo(1);
    assertThat(d.completedCount()).isEqualTo(12);
  }

  @Test
  void anInterruptForATimedOutEventNeverReachesTheNextEventOnTheSameWorker() throws Exception {
    Map<String, Boolean> sawInterrupt = new ConcurrentHashMap<>();
    EventProcessor worksForAWhile = (e, c) -> {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(
          e.dataAsString()));
      while (System.nanoTime() - end < 0 && !Thread.currentThread().isInterrupted()) {
        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
      }
      sawInterrupt.put(e.id(), Thread.currentThread().isInterrupted());
      return Result.ok(e.id());
    };
    // one worker, so each event runs right after the one before on the same thread; run times
    // around the timeout make the watchdog's interrupt race the end of an event
    Dispatcher d = start(List.of(lane("w", worksForAWhile, 1, 128, Duration.ofMillis(15),
        Ordering.NONE)), List.of(route("w", "w")));
    Map<String, CompletableFuture<Result>> results = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      results.put("e" + i, d.submit(Event.builder().id("e" + i).source("/t").type("w")
          .data(String.valueOf(i % 4 == 0 ? 25 : i % 30), "text/plain").build(), later()));
    }
    int timedOut = 0;
    for (Map.Entry<String, CompletableFuture<Result>> r : results.entrySet()) {
      Result result = result(r.getValue());
      await().atMost(Duration.ofSeconds(30)).until(() -> sawInterrupt.containsKey(r.getKey()));
      if (result.status() == Status.TIMEOUT) {
        timedOut++;
      } else {
        assertThat(result.isOk()).isTrue();
        assertThat(sawInterrupt.get(r.getKey())).as("interrupted: %s", r.getKey()).isFalse();
      }
    }
    assertThat(timedOut).isPositive();
  }

  @Test
  void eventsAWorkerTookInOneBatchStillExpireAndAreReportedAbandoned() throws Exception {
    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch secondRunning = new CountDownLatch(1);
    AtomicInteger processedAfterSecond = new AtomicInteger();
    EventProcessor processor = (e, c) -> {
      switch (e.dataAsString()) {
        case "first":
          firstRunning.countDown();
          releaseFirst.await();
          return Result.ok(e.id());
        case "second":
          secondRunning.countDown();
          new CountDownLatch(1).await(); // until the stop interrupts it
          return Result.ok(e.id());
        default:
          processedAfterSecond.incrementAndGet();
          return Result.ok(e.id());
      }
    };
    Dispatcher d = start(List.of(lane("b", processor, 1, 16, LONG, Ordering.NONE)),
        List.of(route("b", "b")));
    CompletableFuture<Result> first = d.submit(event("b", "first"), later());
    assertThat(firstRunning.await(5, TimeUnit.SECONDS)).isTrue();
    // queued while the only worker is busy: it takes them all at once when it comes back
    CompletableFuture<Result> second = d.submit(event("b", "second"), later());
    List<CompletableFuture<Result>> shortLived = new ArrayList<>();
    List<CompletableFuture<Result>> longLived = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      shortLived.add(d.submit(event("b", "short").toBuilder().id("s" + i).build(),
          Instant.now().plusMillis(300)));
      longLived.add(d.submit(event("b", "long").toBuilder().id("l" + i).build(), later()));
    }
    releaseFirst.countDown();
    assertThat(result(first).isOk()).isTrue();
    assertThat(secondRunning.await(5, TimeUnit.SECONDS)).isTrue();

    for (CompletableFuture<Result> f : shortLived) {
      Result r = result(f); // answered by the watchdog while the worker still holds them
      assertThat(r.status()).isEqualTo(Status.TIMEOUT);
      assertThat(r.errorMessage().orElseThrow()).contains("not processed");
    }
    assertThat(second).isNotDone();

    DrainReport report = d.drain(Duration.ofMillis(100));
    assertThat(report.abandonedEventIds()).containsExactlyInAnyOrder("second", "l0", "l1", "l2");
    for (CompletableFuture<Result> f : longLived) {
      assertThat(result(f).errorCode()).contains("ABANDONED");
    }
    assertThat(result(second).errorCode()).contains("ABANDONED");
    assertThat(processedAfterSecond.get()).isZero();
  }

  @Test
  void asyncProcessorRunsAtMostItsConcurrencyAndItsTimedOutStagesAreCancelled() throws Exception {
    Map<String, CompletableFuture<Result>> stages = new ConcurrentHashMap<>();
    AsyncEventProcessor async = new AsyncEventProcessor() {
      @Override
      public java.util.concurrent.CompletionStage<Result> processAsync(Event e,
          dev.sluice.spi.ProcessorContext c) {
        CompletableFuture<Result> stage = new CompletableFuture<>();
        stages.put(e.id(), stage);
        return stage;
      }
    };
    Dispatcher d = start(List.of(lane("async", async, 3, 16, LONG, Ordering.NONE),
        lane("late", async, 1, 4, Duration.ofMillis(100), Ordering.NONE)),
        List.of(route("async", "async"), route("late", "late")));

    List<CompletableFuture<Result>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(d.submit(event("async", "a" + i), later()));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> stages.size() == 3);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30))
        .until(() -> stages.size() == 3 && d.load().get("async")[1] == 3);
    assertThat(results).noneMatch(CompletableFuture::isDone);

    // finishing the first three lets the last two start
    stages.forEach((id, stage) -> stage.complete(Result.ok(id, "done", "text/plain")));
    await().atMost(Duration.ofSeconds(30)).until(() -> stages.size() == 5);
    stages.forEach((id, stage) -> stage.complete(Result.ok(id, "done", "text/plain")));
    for (CompletableFuture<Result> f : results) {
      assertThat(result(f).dataAsString()).isEqualTo("done");
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> d.load().get("async")[1] == 0);

    Result late = result(d.submit(event("late", "l1"), later()));
    assertThat(late.status()).isEqualTo(Status.TIMEOUT);
    assertThat(late.errorCode()).contains("PROCESSOR_TIMEOUT");
    // the watchdog answers first, then cancels the stage
    await().atMost(Duration.ofSeconds(30)).until(() -> stages.get("l1").isCancelled());
  }

  private static long results(SimpleMeterRegistry registry, String lane, Status status) {
    return (long) registry.get("sluice.processor.results").tag("processor", lane)
        .tag("status", status.name()).functionCounter().count();
  }

  private static long timerCount(SimpleMeterRegistry registry, String lane) {
    return (long) registry.get("sluice.processor.latency").tag("processor", lane)
        .functionTimer().count();
  }

  private static int gauge(SimpleMeterRegistry registry, String name, String lane) {
    return (int) registry.get(name).tag("processor", lane).gauge().value();
  }
}
