package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.memory.InMemoryTransport;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.SluicePlugin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SluiceServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger APPLIED = new AtomicInteger();
  private static final CountDownLatch EMITTED = new CountDownLatch(1);
  private static final AtomicInteger SUNK = new AtomicInteger();
  private static final List<Event> PUBLISHED = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static volatile boolean brokerRefuses;
  private final List<SluiceServer> servers = new ArrayList<>();

  /** Test processors, bound like any plugin's. */
  public static final class TestPlugin extends SluicePlugin {
    @Override
    protected void configure() {
      processor("upper", (e, c) -> Result.ok(e.id(), e.dataAsString().toUpperCase(), "text/plain"));
      processor("apply", (e, c) -> {
        APPLIED.incrementAndGet();
        return Result.ok(e.id(), "applied " + c.settings().string("label", "?"), "text/plain");
      });
      processor("forward", (e, c) -> {
        c.emit(Event.builder().id(e.id() + "-next").source("/forward").type("test.sink").build())
            .toCompletableFuture().join();
        return Result.ok(e.id());
      });
      processor("sink", (e, c) -> {
        SUNK.incrementAndGet();
        EMITTED.countDown();
        return Result.ok(e.id());
      });
      processor("relay", (e, c) -> {
        try {
          c.emit(Event.builder().id(e.id() + "-next").source("/relay").type("test.sink").build())
              .toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException failed) {
          throw (dev.sluice.spi.ProcessingException) failed.getCause();
        }
        return Result.ok(e.id());
      });
      transport("broker", BrokerTransport.class);
    }
  }

  /** The in-memory transport, with a source that "publishes" follow-on events to a list. */
  public static final class BrokerTransport implements dev.sluice.spi.Transport {
    private final InMemoryTransport memory = new InMemoryTransport();

    @Override
    public dev.sluice.spi.EventSource createSource(dev.sluice.spi.TransportContext context) {
      dev.sluice.spi.EventSource inner = memory.createSource(context);
      return new dev.sluice.spi.PublishingSource() {
        @Override
        public java.util.concurrent.CompletionStage<Void> publish(Event event) {
          if (brokerRefuses) {
            return CompletableFuture.failedFuture(
                new java.io.IOException("the broker did not confirm"));
          }
          PUBLISHED.add(event);
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public void start(dev.sluice.spi.EventSink sink) throws Exception {
          inner.start(sink);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> stop(Duration deadline) {
          return inner.stop(deadline);
        }

        @Override
        public String describe() {
          return "broker " + inner.describe();
        }
      };
    }

    @Override
    public EventClient createClient(dev.sluice.spi.TransportContext context) {
      return memory.createClient(context);
    }
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
  }

  private SluiceServer start(String yaml) throws Exception {
    SluiceServer server = SluiceServer.builder(SluiceConfig.parse(yaml, "test.yaml", Map.of()))
        .plugins(Plugins.of(new TestPlugin()))
        .build();
    server.start();
    servers.add(server);
    return server;
  }

  private static Event event(String type, String id, String data) {
    return Event.builder().id(id).source("/test").type(type).data(data, "text/plain").build();
  }

  private static Result send(EventClient client, Event e) throws Exception {
    return client.send(e, TIMEOUT).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void servesConfiguredProcessorsOverTheInMemoryTransport() throws Exception {
    SluiceServer server = start("""
        transport:
          type: memory
          memory: {address: serves}
        processors:
          - name: upper
            types: [test.upper]
        """);

    try (EventClient client = server.newClient()) {
      Result r = send(client, event("test.upper", "1", "hello"));

      assertThat(r.status()).isEqualTo(Status.OK);
      assertThat(r.eventId()).isEqualTo("1");
      assertThat(r.dataAsString()).isEqualTo("HELLO");
      assertThat(server.describeSource()).isEqualTo("memory://serves");
    }
  }

  @Test
  void anEventTheGuardRefusesIsAnsweredAtOnceAndNeverProcessed() throws Exception {
    SluiceServer server = SluiceServer.builder(SluiceConfig.parse("""
        transport: {type: memory, memory: {address: guarded}}
        processors:
          - name: apply
            types: [test.apply]
        """, "test.yaml", Map.of()))
        .plugins(Plugins.of(new TestPlugin()))
        .guard((event, delivery) -> event.id().startsWith("bad")
            ? java.util.Optional.of(Result.failure(event.id(), Status.INVALID, "TOO_BAD", "no"))
            : java.util.Optional.empty())
        .build();
    server.start();
    servers.add(server);
    int before = APPLIED.get();

    try (EventClient client = server.newClient()) {
      Result refused = send(client, event("test.apply", "bad-1", "x"));
      Result passed = send(client, event("test.apply", "good-1", "x"));

      assertThat(refused.status()).isEqualTo(Status.INVALID);
      assertThat(refused.errorCode()).contains("TOO_BAD");
      assertThat(passed.isOk()).isTrue();
      assertThat(APPLIED.get() - before).isEqualTo(1);
    }
  }

  @Test
  void processorReadsItsSettingsAndARepeatedEventIsAppliedOnce() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: once}}
        processors:
          - name: apply
            types: [test.apply]
            settings: {label: blue}
        """);
    int before = APPLIED.get();

    try (EventClient client = server.newClient()) {
      List<CompletableFuture<Result>> same = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        same.add(client.send(event("test.apply", "dup", "x"), TIMEOUT).toCompletableFuture());
      }
      for (CompletableFuture<Result> f : same) {
        Result r = f.get(20, TimeUnit.SECONDS);
        assertThat(r.dataAsString()).isEqualTo("applied blue");
      }
      Result again = send(client, event("test.apply", "dup", "x"));
      Result other = send(client, event("test.apply", "other", "x"));

      assertThat(again.dataAsString()).isEqualTo("applied blue");
      assertThat(other.isOk()).isTrue();
    }
    assertThat(APPLIED.get() - before).isEqualTo(2);
  }

  @Test
  void followOnEventsAreDispatched() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: emit}}
        processors:
          - {name: forward, types: [test.forward]}
          - {name: sink, types: [test.sink]}
        """);

    try (EventClient client = server.newClient()) {
      assertThat(send(client, event("test.forward", "1", "x")).isOk()).isTrue();
    }
    assertThat(EMITTED.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void onABrokerTransportFollowOnEventsArePublishedAndARefusalIsARetryableFailure()
      throws Exception {
    PUBLISHED.clear();
    brokerRefuses = false;
    SluiceServer server = start("""
        transport: {type: broker, broker: {address: publishing}}
        processors:
          - {name: relay, types: [test.relay], retry: {max-attempts: 2, initial-backoff: 1ms}}
          - {name: sink, types: [test.sink]}
        """);
    int sunkBefore = SUNK.get();
    try (EventClient client = server.newClient()) {
      assertThat(send(client, event("test.relay", "r1", "x")).isOk()).isTrue();
      assertThat(PUBLISHED).extracting(Event::id).containsExactly("r1-next");
      assertThat(SUNK.get()).as("published, not dispatched in-process").isEqualTo(sunkBefore);

      brokerRefuses = true;
      Result refused = send(client, event("test.relay", "r2", "x"));
      assertThat(refused.status()).isEqualTo(Status.ERROR);
      assertThat(refused.errorCode()).contains("FOLLOW_ON_NOT_PUBLISHED");
      assertThat(refused.errorMessage().orElseThrow())
          .contains("r2-next", "the broker did not confirm");
      assertThat(PUBLISHED).hasSize(1);
    } finally {
      brokerRefuses = false;
    }
  }

  @Test
  void unknownProcessorAndTransportFailTheBuildNamingWhatIsLoaded() {
    SluiceConfig config = SluiceConfig.parse("""
        transport: {type: kafak}
        processors:
          - {name: x, processor: uper, types: [a]}
        """, "bad.yaml", Map.of());

    assertThatThrownBy(() -> SluiceServer.builder(config)
        .plugins(Plugins.of(new TestPlugin())).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("transport.type: no transport named 'kafak' is loaded")
        .hasMessageContaining("memory").hasMessageContaining("broker")
        .hasMessageContaining("processors[0].processor: no processor named 'uper'")
        .hasMessageContaining("upper");
  }

  @Test
  void clientGetsUnavailableWhenNoServerListens() throws Exception {
    SluiceConfig config = SluiceConfig.parse(
        "transport: {type: memory, memory: {address: nobody}}", "c.yaml", Map.of());
    try (EventClient client = SluiceClients.open(config,
        Plugins.of(), java.nio.file.Path.of("."))) {
      Result r = send(client, event("any", "1", "x"));

      assertThat(r.status()).isEqualTo(Status.UNAVAILABLE);
      assertThat(r.errorMessage().orElseThrow()).contains("'nobody'");
    }
  }

  @Test
  void unroutedTypeIsRejectedAndStopDrains() throws Exception {
    SluiceServer server = start("""
        transport: {type: memory, memory: {address: reject}}
        processors: [{name: upper, types: [test.upper]}]
        """);
    try (EventClient client = server.newClient()) {
      Result r = send(client, event("test.nothing", "1", "x"));
      assertThat(r.status()).isEqualTo(Status.REJECTED);
    }
    DrainReport report = server.stop(Duration.ofSeconds(5));
    assertThat(report.isClean()).isTrue();
    assertThat(server.isRunning()).isFalse();
    assertThat(InMemoryTransport.sendRaw("reject", Map.of("id", "2"), TIMEOUT)
        .toCompletableFuture().get().status()).isEqualTo(Status.UNAVAILABLE);
  }

  @Test
  void reprocessesOnStartTheEventsTheStoreHoldsAsAcceptedButNeverCompleted() throws Exception {
    Event accepted = event("test.apply", "accepted-before-crash", "x");
    CrashedStore store = new CrashedStore(accepted);
    int before = APPLIED.get();
    SluiceServer server = SluiceServer.builder(SluiceConfig.parse("""
        transport: {type: memory, memory: {address: recovers}}
        processors: [{name: apply, types: [test.apply]}]
        """, "test.yaml", Map.of()))
        .plugins(Plugins.of(new TestPlugin()))
        .store(store)
        .build();
    servers.add(server);
    server.start();

    Result recovered = store.completed.get(20, TimeUnit.SECONDS);
    assertThat(recovered.eventId()).isEqualTo("accepted-before-crash");
    assertThat(recovered.dataAsString()).isEqualTo("applied ?");
    assertThat(APPLIED.get() - before).isEqualTo(1);
  }

  @Test
  void startsAndStopsAnAddedSourceWithTheServer() throws Exception {
    CompletableFuture<Result> answered = new CompletableFuture<>();
    CompletableFuture<Duration> stopped = new CompletableFuture<>();
    dev.sluice.spi.EventSource extra = new dev.sluice.spi.EventSource() {
      @Override
      public void start(dev.sluice.spi.EventSink sink) {
        sink.submit(event("test.upper", "from-extra", "quiet"),
            dev.sluice.spi.Delivery.within("extra", TIMEOUT))
            .whenComplete((r, t) -> answered.complete(r));
      }

      @Override
      public java.util.concurrent.CompletionStage<Void> stop(Duration drainDeadline) {
        stopped.complete(drainDeadline);
        return CompletableFuture.completedFuture(null);
      }
    };
    SluiceServer server = SluiceServer.builder(SluiceConfig.parse("""
        transport: {type: memory, memory: {address: extra-source}}
        processors: [{name: upper, types: [test.upper]}]
        """, "test.yaml", Map.of()))
        .plugins(Plugins.of(new TestPlugin()))
        .source(extra)
        .build();
    server.start();

    assertThat(answered.get(20, TimeUnit.SECONDS).dataAsString()).isEqualTo("QUIET");
    assertThat(stopped).isNotDone();
    server.stop(Duration.ofSeconds(5));
    assertThat(stopped).isDone();
  }

  /** A store that holds one event accepted before a crash, until it is completed. */
  private static final class CrashedStore implements dev.sluice.spi.EventStore {
    final Event accepted;
    final CompletableFuture<Result> completed = new CompletableFuture<>();

    CrashedStore(Event accepted) {
      this.accepted = accepted;
    }

    @Override
    public java.util.concurrent.CompletionStage<dev.sluice.spi.Admission> admit(Event event) {
      return CompletableFuture.completedFuture(completed.isDone()
          ? dev.sluice.spi.Admission.completed(completed.join())
          : dev.sluice.spi.Admission.fresh());
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> complete(dev.sluice.event.EventKey key,
        Result result) {
      completed.complete(result);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> release(dev.sluice.event.EventKey key) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> deadLetter(
        dev.sluice.spi.DeadLetter letter) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<Event> incomplete(int max) {
      return completed.isDone() ? List.of() : List.of(accepted);
    }
  }
}
