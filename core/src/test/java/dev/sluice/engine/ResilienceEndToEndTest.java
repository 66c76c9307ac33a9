package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.health.HealthReport;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.AsyncEventProcessor;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.internal.resilience.ControllableStore;
import dev.sluice.internal.memory.InMemorySource;
import dev.sluice.memory.InMemorySettings;
import dev.sluice.memory.InMemoryTransport;
import dev.sluice.resilience.DependencyGuard;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The error pipeline and the breakers in a running server over the in-memory transport:
 * retries, dead letters, a processor's breaker (refusal at once, intake paused, half-open,
 * recovery), the store's breaker and readiness, and the MDC around processor calls.
 */
class ResilienceEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final AtomicBoolean DOWN = new AtomicBoolean();
  private static final AtomicInteger CALLS = new AtomicInteger();
  private static final AtomicInteger FAIL_FIRST = new AtomicInteger();
  /** The thread of each call of the "recovering" processor, in order. */
  private static final List<String> THREADS = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final List<SluiceServer> servers = new ArrayList<>();
  private final ControllableStore store = new ControllableStore(Clock.systemUTC());

  private static volatile TransportContext guardedContext;

  /** The in-memory transport, keeping its context so a test can ask it for a dependency. */
  public static final class GuardedTransport implements Transport {
    @Override
    public EventSource createSource(TransportContext context) {
      guardedContext = context;
      return new InMemorySource(InMemorySettings.from(context.settings()));
    }

    @Override
    public EventClient createClient(TransportContext context) {
      return new InMemoryTransport().createClient(context);
    }
  }

  /** Test processors, bound like any plugin's. */
  public static final class TestPlugin extends SluicePlugin {
    @Override
    protected void configure() {
      transport("guarded", GuardedTransport.class);
      // fails retryably while DOWN, like a processor whose downstream service is down
      processor("unreliable", (e, c) -> {
        CALLS.incrementAndGet();
        if (DOWN.get()) {
          throw ProcessingException.retryable("DOWNSTREAM_DOWN", "pricing service refused");
        }
        return Result.ok(e.id());
      });
      // fails retryably the first FAIL_FIRST times it is called, then succeeds
      processor("recovering", (e, c) -> {
        THREADS.add(Thread.currentThread().getName());
        if (CALLS.incrementAndGet() <= FAIL_FIRST.get()) {
          throw ProcessingException.retryable("BUSY", "busy, call " + CALLS.get());
        }
        return Result.ok(e.id(), "after " + CALLS.get() + " calls", "text/plain");
      });
      // fails on every call with a failure that is not retried
      processor("refusing", (e, c) -> {
        CALLS.incrementAndGet();
        throw new ProcessingException("NO_SUCH_ACCOUNT", "account 7 does not exist");
      });
      processor("logging", (e, c) -> {
        c.logger().info("processing");
        return Result.ok(e.id());
      });
      processor("logging-async", (AsyncEventProcessor) (e, c) -> {
        c.logger().info("processing asynchronously");
        return CompletableFuture.completedFuture(Result.ok(e.id()));
      });
    }
  }

  @BeforeEach
  void reset() {
    DOWN.set(false);
    CALLS.set(0);
    FAIL_FIRST.set(0);
    THREADS.clear();
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
  }

  private SluiceServer start(String yaml) throws Exception {
    SluiceServer server = SluiceServer.builder(SluiceConfig.parse(yaml, "test.yaml", Map.of()))
        .plugins(Plugins.of(new TestPlugin()))
        .store(store)
        .build();
    server.start();
    servers.add(server);
    return server;
  }

  private static Event event(String type, String id) {
    return Event.builder().id(id).source("/test").type(type).data("{}", "application/json")
        .build();
  }

  private static CompletableFuture<Result> submit(SluiceServer server, Event e) {
    return server.sink().submit(e, dev.sluice.spi.Delivery.within("test", TIMEOUT))
        .toCompletableFuture();
  }

  private static Result send(SluiceServer server, Event e) throws Exception {
    return submit(server, e).get(30, TimeUnit.SECONDS);
  }

  @Test
  void retriesARetryableFailureUntilItSucceeds() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-retry}}
        processors:
          - name: recovering
            types: [test.recovering]
            retry: {max-attempts: 4, initial-backoff: 10ms, max-backoff: 50ms}
        """);
    FAIL_FIRST.set(2);

    Result result = send(server, event("test.recovering", "r-1"));

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.dataAsString()).isEqualTo("after 3 calls");
    assertThat(server.metrics().get("sluice.processor.retries").tag("processor", "recovering")
        .counter().count()).isEqualTo(2.0);
    assertThat(store.memory.deadLetters()).isEmpty();
  }

  @Test
  void deadLettersAnEventWhoseRetriesAreUsedUp() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-dead}}
        processors:
          - name: recovering
            types: [test.recovering]
            retry: {max-attempts: 3, initial-backoff: 10ms, max-backoff: 50ms}
        """);
    FAIL_FIRST.set(100);
    Instant before = Instant.now();

    Result result = send(server, event("test.recovering", "d-1"));

    assertThat(result.status()).isEqualTo(Status.ERROR);
    assertThat(result.errorCode()).contains("BUSY");
    assertThat(result.errorMessage()).contains("busy, call 3");
    assertThat(result.isDeadLettered()).isTrue();
    assertThat(CALLS).hasValue(3);
    DeadLetter letter = store.memory.deadLetters().get(0);
    assertThat(letter.event().id()).isEqualTo("d-1");
    assertThat(letter.processor()).isEqualTo("recovering");
    assertThat(letter.attempts()).isEqualTo(3);
    assertThat(letter.firstFailure()).isAfterOrEqualTo(before)
        .isBeforeOrEqualTo(letter.lastFailure());
    assertThat(server.metrics().get("sluice.processor.dead.letters")
        .tag("processor", "recovering").counter().count()).isEqualTo(1.0);
  }

  @Test
  void anOpenBreakerRefusesAtOncePausesIntakeThenHalfOpensAndRecovers() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-breaker}}
        processors:
          - name: unreliable
            types: [test.unreliable]
            retry: {max-attempts: 1}
            circuit-breaker:
              minimum-calls: 4
              sliding-window: 4
              wait-in-open: 2s
              half-open-calls: 1
        """);
    DOWN.set(true);
    for (int i = 0; i < 4; i++) {
      assertThat(send(server, event("test.unreliable", "b-" + i)).status())
          .isEqualTo(Status.ERROR);
    }
    assertThat(server.breakerStates()).containsEntry("processor:unreliable", "open");

    // refused without queueing or calling the processor: the result is there on return
    CompletableFuture<Result> refused = submit(server, event("test.unreliable", "b-refused"));
    assertThat(refused).isDone();
    assertThat(refused.join().status()).isEqualTo(Status.UNAVAILABLE);
    assertThat(refused.join().errorCode()).contains("CIRCUIT_OPEN");
    assertThat(refused.join().isDeadLettered()).isFalse();

    // the transport's source holds the processor's events instead of redelivering them
    assertThat(server.isIntakePaused("unreliable")).isTrue();
    try (EventClient client = server.newClient()) {
      DOWN.set(false);
      CompletableFuture<Result> held = client.send(event("test.unreliable", "b-held"),
          Duration.ofSeconds(30)).toCompletableFuture();
      assertThat(CALLS).hasValue(4);

      Result afterHalfOpen = held.get(30, TimeUnit.SECONDS);

      assertThat(afterHalfOpen.status()).isEqualTo(Status.OK);
      assertThat(CALLS).hasValue(5);
    }
    await().atMost(Duration.ofSeconds(30)).until(
        () -> server.breakerStates().get("processor:unreliable").equals("closed"));
    assertThat(server.isIntakePaused("unreliable")).isFalse();
    assertThat(send(server, event("test.unreliable", "b-after")).status()).isEqualTo(Status.OK);
  }

  @Test
  void aStoreThatStopsAnsweringGivesUnavailableWithinTwoSecondsAndUnreadiness()
      throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-store}}
        processors:
          - name: unreliable
            types: [test.unreliable]
        resilience:
          store:
            call-timeout: 300ms
            circuit-breaker: {minimum-calls: 2, sliding-window: 2, wait-in-open: 1s}
        """);
    assertThat(server.readiness().isUp()).isTrue();
    store.hanging = true;

    for (int i = 0; i < 2; i++) {
      long start = System.nanoTime();
      Result r = send(server, event("test.unreliable", "s-" + i));
      assertThat(r.status()).isEqualTo(Status.UNAVAILABLE);
      assertThat(r.errorCode()).contains("STORE_UNAVAILABLE");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
    CompletableFuture<Result> atOnce = submit(server, event("test.unreliable", "s-open"));
    assertThat(atOnce).isDone();
    assertThat(atOnce.join().errorMessage().orElseThrow())
        .contains("store is unavailable: its circuit breaker is open");
    HealthReport notReady = server.readiness();
    assertThat(notReady.isUp()).isFalse();
    assertThat(notReady.components().get("store").isUp()).isFalse();
    assertThat(notReady.components().get("store").details()).containsEntry("breaker", "open");
    assertThat(server.liveness().isUp()).isTrue();
    assertThat(CALLS).hasValue(0);

    store.hanging = false;

    await().atMost(Duration.ofSeconds(30)).until(() -> server.readiness().isUp());
    assertThat(send(server, event("test.unreliable", "s-back")).status()).isEqualTo(Status.OK);
    assertThat(server.breakerStates()).containsEntry("store", "closed");
  }

  @Test
  void readinessNamesEveryComponentAndLivenessFollowsTheLifecycle() throws Exception {
    SluiceServer server = SluiceServer.builder(SluiceConfig.parse("""
            transport: {type: memory, memory: {address: resilience-health}}
            processors: [{name: unreliable, types: [test.unreliable]}]
            """, "test.yaml", Map.of()))
        .plugins(Plugins.of(new TestPlugin())).build();
    assertThat(server.liveness().isUp()).isFalse();
    assertThat(server.readiness().isUp()).isFalse();

    server.start();
    servers.add(server);

    HealthReport ready = server.readiness();
    assertThat(ready.isUp()).isTrue();
    assertThat(ready.components()).containsOnlyKeys("source", "store", "breakers");
    assertThat(ready.components().get("source").details())
        .containsEntry("source", "memory://resilience-health");
    assertThat(server.liveness().isUp()).isTrue();
    server.stop(Duration.ofSeconds(5));
    assertThat(server.liveness().isUp()).isFalse();
    assertThat(server.readiness().components().get("source").isUp()).isFalse();
  }

  @Test
  void aTransportsDependencyGuardShowsInBreakersAndReadiness() throws Exception {
    SluiceServer server = start("""
        transport: {type: guarded, guarded: {address: resilience-guarded}}
        processors: [{name: unreliable, types: [test.unreliable]}]
        resilience:
          outbound:
            circuit-breaker: {minimum-calls: 2, sliding-window: 2, wait-in-open: 1m}
        """);
    DependencyGuard publisher = guardedContext.dependency("publisher");
    assertThat(guardedContext.dependency("publisher")).isSameAs(publisher);
    assertThat(server.breakerStates()).containsEntry("dependency:publisher", "closed");

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> publisher.execute(() -> {
        throw new java.io.IOException("broker connection reset");
      })).isInstanceOf(java.io.IOException.class);
    }

    assertThat(server.breakerStates()).containsEntry("dependency:publisher", "open");
    HealthReport report = server.readiness();
    assertThat(report.isUp()).isFalse();
    assertThat(report.components().get("breakers").details())
        .containsEntry("open", List.of("dependency:publisher"));
  }

  @Test
  void everythingAProcessorLogsCarriesTheEventIdAndType() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-mdc}}
        processors:
          - {name: logging, types: [test.log]}
          - {name: logging-async, types: [test.log.async]}
        """);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger blocking = (Logger) LoggerFactory.getLogger("sluice.processor.logging");
    Logger async = (Logger) LoggerFactory.getLogger("sluice.processor.logging-async");
    blocking.addAppender(appender);
    async.addAppender(appender);
    try {
      send(server, event("test.log", "m-1"));
      send(server, event("test.log.async", "m-2"));
    } finally {
      blocking.detachAppender(appender);
      async.detachAppender(appender);
    }

    assertThat(appender.list).hasSize(2);
    assertThat(appender.list.get(0).getMDCPropertyMap())
        .containsEntry("event.id", "m-1").containsEntry("event.type", "test.log");
    assertThat(appender.list.get(1).getMDCPropertyMap())
        .containsEntry("event.id", "m-2").containsEntry("event.type", "test.log.async");
  }

  @Test
  void anInlineProcessorAnswersOnTheCallersThreadAndItsLogLinesCarryTheEvent() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-inline-mdc}}
        processors:
          - {name: logging, types: [test.log], execution: inline}
        """);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger logger = (Logger) LoggerFactory.getLogger("sluice.processor.logging");
    logger.addAppender(appender);
    CompletableFuture<Result> answer;
    try {
      answer = submit(server, event("test.log", "i-1"));
    } finally {
      logger.detachAppender(appender);
    }

    // answered before submit returned: no queue, no other thread
    assertThat(answer).isCompleted();
    assertThat(answer.get().status()).isEqualTo(Status.OK);
    assertThat(appender.list).singleElement().satisfies(line -> {
      assertThat(line.getThreadName()).isEqualTo(Thread.currentThread().getName());
      assertThat(line.getMDCPropertyMap())
          .containsEntry("event.id", "i-1").containsEntry("event.type", "test.log");
    });
    // and the caller's thread keeps no trace of the event
    assertThat(org.slf4j.MDC.get("event.id")).isNull();
  }

  @Test
  void anInlineProcessorsRetriesRunOnItsWorkersWithTheConfiguredAttempts() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-inline-retry}}
        processors:
          - name: recovering
            types: [test.recovering]
            execution: inline
            retry: {max-attempts: 4, initial-backoff: 10ms, max-backoff: 50ms}
        """);
    FAIL_FIRST.set(2);

    Result result = send(server, event("test.recovering", "ir-1"));

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.dataAsString()).isEqualTo("after 3 calls");
    assertThat(server.metrics().get("sluice.processor.retries").tag("processor", "recovering")
        .counter().count()).isEqualTo(2.0);
    // the first attempt on the caller's thread, the retries (which wait) on a worker
    assertThat(THREADS).hasSize(3);
    assertThat(THREADS.get(0)).isEqualTo(Thread.currentThread().getName());
    assertThat(THREADS.subList(1, 3)).allMatch(t -> t.startsWith("sluice-recovering-"));
    assertThat(store.memory.deadLetters()).isEmpty();
  }

  @Test
  void anInlineProcessorsEventIsDeadLetteredAfterAllItsAttempts() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-inline-dead}}
        processors:
          - name: recovering
            types: [test.recovering]
            execution: inline
            retry: {max-attempts: 3, initial-backoff: 10ms, max-backoff: 50ms}
        """);
    FAIL_FIRST.set(100);

    Result result = send(server, event("test.recovering", "id-1"));

    assertThat(result.status()).isEqualTo(Status.ERROR);
    assertThat(result.errorMessage()).contains("busy, call 3");
    assertThat(result.isDeadLettered()).isTrue();
    assertThat(CALLS).hasValue(3);
    assertThat(store.memory.deadLetters()).singleElement().satisfies(letter -> {
      assertThat(letter.event().id()).isEqualTo("id-1");
      assertThat(letter.attempts()).isEqualTo(3);
    });
  }

  @Test
  void anInlineProcessorThatThrowsIsDeadLetteredWithoutASecondCall() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: resilience-inline-throw}}
        processors:
          - {name: refusing, types: [test.refusing], execution: inline}
        """);

    Result result = send(server, event("test.refusing", "it-1"));

    assertThat(result.status()).isEqualTo(Status.ERROR);
    assertThat(result.errorCode()).contains("NO_SUCH_ACCOUNT");
    assertThat(result.isDeadLettered()).isTrue();
    assertThat(CALLS).hasValue(1);
    assertThat(store.memory.deadLetters()).singleElement()
        .satisfies(letter -> assertThat(letter.attempts()).isEqualTo(1));
  }

  @Test
  void inlineExecutionOfAnAsynchronousProcessorIsAConfigurationError() {
    assertThatThrownBy(() -> start("""
        transport: {type: memory, memory: {address: resilience-inline-async}}
        processors:
          - {name: logging-async, types: [test.log.async], execution: inline}
        """))
        .isInstanceOf(dev.sluice.config.ConfigException.class)
        .hasMessageContaining("processors[0].execution")
        .hasMessageContaining("asynchronous");
  }
}
