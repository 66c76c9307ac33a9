package dev.sluice.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.config.Execution;
import dev.sluice.config.MergeMode;
import dev.sluice.config.Ordering;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessorContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code execution: inline}: events run on the thread that submits them, and only what may
 * wait goes to the lane's workers: an event whose partition key is busy, and the rest of an
 * event whose first attempt asked for it.
 */
class InlineExecutionTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private final List<Dispatcher> started = new ArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);

  private final List<Runnable> cleanUps = new ArrayList<>();

  @AfterEach
  void stopAll() {
    gate.countDown();
    started.forEach(d -> d.drain(Duration.ofSeconds(5)));
    cleanUps.forEach(Runnable::run);
  }

  /** The lane's log lines from now until the test ends. */
  private ListAppender<ILoggingEvent> captureLaneLog() {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger laneLog = (Logger) LoggerFactory.getLogger(ProcessorLane.class);
    laneLog.addAppender(log);
    cleanUps.add(() -> laneLog.detachAppender(log));
    return log;
  }

  private Dispatcher start(EventProcessor p, int concurrency, int capacity, Ordering ordering) {
    return start(p, concurrency, capacity, ordering, LONG);
  }

  private Dispatcher start(EventProcessor p, int concurrency, int capacity, Ordering ordering,
      Duration timeout) {
    return start(p, concurrency, capacity, ordering, timeout, new SimpleMeterRegistry());
  }

  private Dispatcher start(EventProcessor p, int concurrency, int capacity, Ordering ordering,
      Duration timeout, SimpleMeterRegistry registry) {
    LaneSpec spec = new LaneSpec("lane", p, concurrency, capacity, timeout, ordering,
        Execution.INLINE, new SharedProcessorContext("lane", null,
            LoggerFactory.getLogger("lane"), new SimpleMeterRegistry(),
            e -> CompletableFuture.completedFuture(null), Optional.empty(), Optional.empty(),
            Optional.empty()));
    Dispatcher d = new Dispatcher(List.of(spec),
        List.of(new RoutePlan("*", List.of("lane"), MergeMode.ALL, LONG)), registry);
    d.start();
    started.add(d);
    return d;
  }

  private static Event keyed(String id, String key) {
    return Event.builder().id(id).source("/test").type("t").partitionKey(key).build();
  }

  private static Instant later() {
    return Instant.now().plus(LONG);
  }

  /** Submits on a thread of its own, since an inline call blocks its caller. */
  private static CompletableFuture<Result> submitElsewhere(Dispatcher d, Event e) {
    return CompletableFuture.supplyAsync(() -> d.submit(e, later()))
        .thenCompose(f -> f);
  }

  @Test
  void sameKeyWaitsForTheCallThatHoldsItWhileOtherKeysRunAtOnceOnTheCaller() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    CountDownLatch firstStarted = new CountDownLatch(1);
    Dispatcher d = start((e, c) -> {
      order.add(e.id());
      threads.add(Thread.currentThread().getName());
      if (e.id().equals("a1")) {
        firstStarted.countDown();
        gate.await();
      }
      return Result.ok(e.id());
    }, 2, 16, Ordering.PARTITION_KEY);

    CompletableFuture<Result> a1 = submitElsewhere(d, keyed("a1", "k"));
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Result> a2 = d.submit(keyed("a2", "k"), later());
    CompletableFuture<Result> b1 = d.submit(keyed("b1", "j"), later());

    assertThat(a2).isNotDone(); // behind a1, which holds key k
    assertThat(b1).isCompleted(); // another key: ran on this thread at once
    gate.countDown();

    assertThat(a1.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
    assertThat(a2.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
    assertThat(order).containsExactly("a1", "b1", "a2");
    assertThat(threads.get(1)).isEqualTo(Thread.currentThread().getName());
    assertThat(threads.get(2)).startsWith("sluice-lane-"); // a queued event goes to a worker
  }

  @Test
  void whatThreadsAnsweredInlineStaysCountedAfterTheyEnd() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Dispatcher d = start((e, c) -> e.id().startsWith("bad")
        ? Result.failure(e.id(), Status.ERROR, "BAD", "a bad one")
        : Result.ok(e.id()), 1, 16, Ordering.NONE, LONG, registry);
    List<Thread> senders = new ArrayList<>();
    List<Result> results = new CopyOnWriteArrayList<>();
    for (int t = 0; t < 3; t++) {
      String prefix = "t" + t + "-";
      senders.add(new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          String id = (i == 7 ? "bad-" : "") + prefix + i;
          results.add(d.submit(Event.builder().id(id).source("/test").type("t").build(), later())
              .join());
        }
      }));
    }
    senders.forEach(Thread::start);
    for (Thread t : senders) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertThat(results).hasSize(150);
    assertCounted(registry, 147, 3);

    // the watchdog forgets the slots of the threads that ended, and keeps their counts
    ProcessorLane lane = d.lane("lane");
    await().atMost(Duration.ofSeconds(10)).until(() -> lane.inlineThreads() == 0);
    assertCounted(registry, 147, 3);
    assertThat(lane.isIdle()).isTrue();
  }

  private static void assertCounted(SimpleMeterRegistry registry, long ok, long error) {
    assertThat(registry.get("sluice.processor.results").tag("status", "OK").functionCounter()
        .count()).isEqualTo(ok);
    assertThat(registry.get("sluice.processor.results").tag("status", "ERROR").functionCounter()
        .count()).isEqualTo(error);
    assertThat(registry.get("sluice.processor.latency").functionTimer().count())
        .isEqualTo(ok + error);
  }

  @Test
  void aCallThatRanAnotherEventInlineIsStillWatchedAfterIt() throws Exception {
    ListAppender<ILoggingEvent> log = captureLaneLog();
    AtomicReference<Dispatcher> self = new AtomicReference<>();
    List<Result> inner = new CopyOnWriteArrayList<>();
    Dispatcher d = start((e, c) -> {
      if (e.id().equals("outer")) {
        // runs inline on this thread, in this lane, within this call
        inner.add(self.get().submit(keyed("inner", "j"), later()).join());
        gate.await();
      }
      return Result.ok(e.id());
    }, 1, 16, Ordering.NONE, Duration.ofMillis(100));
    self.set(d);

    CompletableFuture<Result> answer = submitElsewhere(d, keyed("outer", "k"));

    // the watchdog still sees the outer call once the inner one is done
    await().atMost(10, TimeUnit.SECONDS).until(() -> log.list.stream()
        .anyMatch(line -> line.getFormattedMessage().contains("has been busy on one event")));
    assertThat(inner).extracting(Result::status).containsExactly(Status.OK);
    gate.countDown();
    assertThat(answer.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.TIMEOUT);
  }

  @Test
  void aRunningInlineCallCountsAsInFlightAndADrainWaitsForIt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Dispatcher d = start((e, c) -> {
      running.countDown();
      gate.await();
      return Result.ok(e.id());
    }, 1, 16, Ordering.NONE);

    CompletableFuture<Result> answer = submitElsewhere(d, keyed("e-1", "k"));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(d.isIdle()).isFalse();
    assertThat(d.load().get("lane")).containsExactly(0, 1); // nothing queued, one running
    gate.countDown();
    assertThat(d.drain(Duration.ofSeconds(10)).isClean()).isTrue();
    assertThat(answer.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
  }

  @Test
  void theRestOfAFirstAttemptRunsOnAWorkerAndAFullQueueRefusesIt() throws Exception {
    List<String> restThreads = new CopyOnWriteArrayList<>();
    CountDownLatch restStarted = new CountDownLatch(1);
    EventProcessor rest = (e, c) -> {
      restThreads.add(Thread.currentThread().getName());
      restStarted.countDown();
      gate.await();
      return Result.ok(e.id(), "after the first attempt", "text/plain");
    };
    Dispatcher d = start(new HandingOff(rest), 1, 1, Ordering.NONE);

    CompletableFuture<Result> first = d.submit(keyed("e-1", "k1"), later()); // the worker's
    assertThat(restStarted.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Result> second = d.submit(keyed("e-2", "k2"), later()); // queued
    CompletableFuture<Result> third = d.submit(keyed("e-3", "k3"), later()); // no room

    assertThat(third.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.OVERLOADED);
    assertThat(third.get().errorCode()).contains("QUEUE_FULL");
    gate.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).dataAsString())
        .isEqualTo("after the first attempt");
    assertThat(second.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
    assertThat(restThreads).hasSize(2).allMatch(t -> t.startsWith("sluice-lane-"));
  }

  @Test
  void aCallStuckPastItsTimeoutIsAnsweredTimeoutAndTheLogSaysWhereItIsStuck() throws Exception {
    ListAppender<ILoggingEvent> log = captureLaneLog();
    Dispatcher d = start((e, c) -> {
      gate.await(); // a processor that blocks, wrongly configured inline
      return Result.ok(e.id());
    }, 1, 16, Ordering.NONE, Duration.ofMillis(100));

    CompletableFuture<Result> answer = submitElsewhere(d, keyed("e-1", "k"));

    await().atMost(10, TimeUnit.SECONDS).until(() -> log.list.stream()
        .anyMatch(line -> line.getFormattedMessage().contains("runs inline")));
    String warning = log.list.get(0).getFormattedMessage();
    assertThat(warning).contains("processor 'lane'").contains("timeout of 100 ms")
        .contains("execution: workers").contains("CountDownLatch.await");
    assertThat(answer).isNotDone(); // the caller's thread is still held
    gate.countDown();
    Result result = answer.get(10, TimeUnit.SECONDS);
    assertThat(result.status()).isEqualTo(Status.TIMEOUT);
    assertThat(result.errorCode()).contains("PROCESSOR_TIMEOUT");
  }

  /** A wrapped processor whose first attempt always leaves the rest to a worker. */
  private static final class HandingOff implements EventProcessor, WrappedProcessor {
    private final EventProcessor rest;

    HandingOff(EventProcessor rest) {
      this.rest = rest;
    }

    @Override
    public Result process(Event event, ProcessorContext context) {
      throw new AssertionError("an inline lane makes the first attempt through firstAttempt");
    }

    @Override
    public EventProcessor plugin() {
      return this;
    }

    @Override
    public Result refuse(Event event) {
      return null;
    }

    @Override
    public InlineAttempt firstAttempt(Event event, ProcessorContext context, long startNanos) {
      return InlineAttempt.handOff(rest, System.nanoTime());
    }
  }
}
