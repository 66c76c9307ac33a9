package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.DrainReport;
import dev.sluice.engine.SluiceClients;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.testkit.internal.ConformanceProcessors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The contract every transport keeps, run against a real {@link SluiceServer} and its clients.
 * A transport module proves itself by extending this class and supplying a
 * {@link TransportFixture}; the in-memory transport is the reference implementation.
 *
 * <pre>{@code
 * class RabbitMqTransportConformanceTest extends TransportConformanceTest {
 *   @Override
 *   protected TransportFixture fixture() {
 *     return new RabbitMqFixture(RabbitMqService.get());
 *   }
 * }
 * }</pre>
 *
 * <p>Every test starts its own server from YAML (the transport section comes from the
 * fixture) with four test processors: an echo, a size reporter, a gate that holds events until
 * the test opens it, and a recorder of per-key order. Nothing waits on the wall clock: tests
 * block on latches and results, each wait bounded.
 *
 * <p>The contract:
 * <ul>
 *   <li>a result carries the event's id, and an echo returns the data and content type
 *       unchanged;</li>
 *   <li>{@value #IN_FLIGHT} requests in flight at once all succeed, each with its own result;</li>
 *   <li>with {@code ordering: partition-key}, events of one key are processed in send order
 *       while different keys are processed at the same time;</li>
 *   <li>a client deadline gives {@code TIMEOUT}, and the server goes on serving;</li>
 *   <li>an event exactly at the transport's size limit is accepted; one byte more is
 *       {@code INVALID} with code {@code TOO_LARGE}, and other clients go on being served;</li>
 *   <li>malformed input gets {@code INVALID}, and the server goes on serving;</li>
 *   <li>a graceful stop finishes the events in flight, refuses new ones with
 *       {@code UNAVAILABLE}, and reports a clean drain.</li>
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class TransportConformanceTest {
  /** How many requests the concurrency test keeps in flight. */
  protected static final int IN_FLIGHT = 2_000;
  private static final int KEYS = 4;
  private static final int EVENTS_PER_KEY = 50;
  private static final String SOURCE = "/sluice/conformance";
  private static final AtomicLong IDS = new AtomicLong();

  @TempDir
  Path directory;

  private TransportFixture fixture;
  private ConformanceProcessors processors;
  private Plugins plugins;
  private SluiceConfig config;
  private SluiceServer server;
  private EventClient client;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** A new fixture for one test, with settings no other test uses. */
  protected abstract TransportFixture fixture() throws Exception;

  /** How long a test waits for a result it expects. Raise it for a slow broker. */
  protected Duration resultTimeout() {
    return Duration.ofSeconds(30);
  }

  @BeforeEach
  void startServer() throws Exception {
    fixture = fixture();
    processors = new ConformanceProcessors(KEYS);
    List<SluicePlugin> all = new ArrayList<>();
    all.add(processors.plugin());
    all.addAll(fixture.plugins());
    plugins = Plugins.of(all.toArray(SluicePlugin[]::new));
    config = SluiceConfig.parse(configYaml(fixture), "conformance test of " + fixture.type());
    server = SluiceServer.builder(config).plugins(plugins).baseDirectory(directory).build();
    server.start();
    client = server.newClient();
  }

  @AfterEach
  void stopServer() throws Exception {
    if (processors != null) {
      processors.gate.open();
    }
    try {
      if (client != null) {
        client.close();
      }
      for (AutoCloseable c : toClose) {
        c.close();
      }
      if (server != null) {
        server.stop(Duration.ofSeconds(10));
      }
    } finally {
      if (fixture != null) {
        fixture.close();
      }
    }
  }

  @Test
  void roundTripKeepsDataContentTypeAndEventId() throws Exception {
    Event text = event("test.echo").data("héllo, wörld", "text/plain; charset=utf-8").build();
    Result textResult = await(client.send(text, resultTimeout()));
    assertThat(textResult.status()).as("%s", textResult).isEqualTo(Status.OK);
    assertThat(textResult.eventId()).isEqualTo(text.id());
    assertThat(textResult.dataAsString()).isEqualTo("héllo, wörld");
    assertThat(textResult.dataContentType()).contains("text/plain; charset=utf-8");

    byte[] everyByte = new byte[256];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    Event binary = event("test.echo").data(everyByte, "application/octet-stream")
        .subject("binary").partitionKey("k").build();
    Result binaryResult = await(client.send(binary, resultTimeout()));
    assertThat(binaryResult.status()).as("%s", binaryResult).isEqualTo(Status.OK);
    assertThat(binaryResult.eventId()).isEqualTo(binary.id());
    assertThat(binaryResult.data()).isEqualTo(everyByte);
    assertThat(binaryResult.dataContentType()).contains("application/octet-stream");
  }

  @Test
  void manyConcurrentRequestsEachGetTheirOwnResult() throws Exception {
    assertEachOfManyConcurrentEchoesGetsItsOwnResult("test.echo");
  }

  /**
   * The same, with the echo processor on {@code execution: inline}: it runs on whichever thread
   * the transport delivers events on (an event loop, a consumer or poll thread).
   */
  @Test
  void aProcessorRunningInlineAnswersManyConcurrentRequests() throws Exception {
    assertEachOfManyConcurrentEchoesGetsItsOwnResult("test.echo.inline");
  }

  private void assertEachOfManyConcurrentEchoesGetsItsOwnResult(String type) throws Exception {
    List<Event> events = new ArrayList<>(IN_FLIGHT);
    List<CompletableFuture<Result>> results = new ArrayList<>(IN_FLIGHT);
    for (int i = 0; i < IN_FLIGHT; i++) {
      Event e = event(type).data("payload-" + i, "text/plain").build();
      events.add(e);
      results.add(client.send(e, resultTimeout()).toCompletableFuture());
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .get(resultTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    for (int i = 0; i < IN_FLIGHT; i++) {
      Result r = results.get(i).join();
      assertThat(r.status()).as("result %d: %s", i, r).isEqualTo(Status.OK);
      assertThat(r.eventId()).isEqualTo(events.get(i).id());
      assertThat(r.dataAsString()).isEqualTo("payload-" + i);
    }
  }

  @Test
  void partitionKeyKeepsOrderPerKeyWhileKeysRunInParallel() throws Exception {
    List<CompletableFuture<Result>> results = new ArrayList<>();
    for (int i = 0; i < EVENTS_PER_KEY; i++) {
      for (int k = 0; k < KEYS; k++) {
        Event e = event("test.ordered").partitionKey("key-" + k)
            .data("key-" + k + "/" + i, "text/plain").build();
        results.add(client.send(e, resultTimeout()).toCompletableFuture());
      }
    }
    for (CompletableFuture<Result> f : results) {
      Result r = f.get(resultTimeout().toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
    }
    Map<String, List<String>> byKey = processors.recorder.byKey();
    assertThat(byKey).hasSize(KEYS);
    for (int k = 0; k < KEYS; k++) {
      String key = "key-" + k;
      List<String> expected = IntStream.range(0, EVENTS_PER_KEY).mapToObj(i -> key + "/" + i)
          .toList();
      assertThat(byKey.get(key)).as("processing order of %s", key).isEqualTo(expected);
    }
    assertThat(processors.recorder.violations()).isEmpty();
    assertThat(processors.recorder.overlapped())
        .as("the first events of %d keys were in the processor at the same time", KEYS)
        .isTrue();
  }

  @Test
  void clientDeadlineGivesTimeoutAndTheServerKeepsServing() throws Exception {
    Duration deadline = Duration.ofMillis(300);
    Event held = event("test.gate").data("held", "text/plain").build();
    CompletableFuture<Result> pending = client.send(held, deadline).toCompletableFuture();

    // A deadline is honoured within a bound, never later than the generous margin here.
    Result timedOut = pending.get(deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    assertThat(timedOut.status()).as("%s", timedOut).isEqualTo(Status.TIMEOUT);
    assertThat(timedOut.eventId()).isEqualTo(held.id());

    assertEchoWorks(client);        // while the gate still holds a worker
    processors.gate.open();
    assertEchoWorks(client);
    Result afterGate = await(client.send(event("test.gate").data("x", "text/plain").build(),
        resultTimeout()));
    assertThat(afterGate.status()).as("%s", afterGate).isEqualTo(Status.OK);
  }

  @Test
  void eventAtTheSizeLimitIsAcceptedAndOneByteMoreIsRefused() throws Exception {
    Event.Builder atLimit = event("test.size").dataContentType("application/octet-stream");
    Event probe = atLimit.build();
    int max = fixture.maxDataBytes(probe);
    assertThat(max).as("data bytes that fit").isPositive().isLessThan(fixture.maxEventBytes());

    EventClient other = SluiceClients.open(config, plugins, directory);
    toClose.add(other);
    List<CompletableFuture<Result>> others = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      others.add(other.send(echo("other-" + i), resultTimeout()).toCompletableFuture());
    }

    Result accepted = await(client.send(atLimit.data(new byte[max]).build(), resultTimeout()));
    assertThat(accepted.status()).as("%d bytes of data, at the limit: %s", max, accepted)
        .isEqualTo(Status.OK);
    assertThat(accepted.dataAsString()).isEqualTo(Integer.toString(max));

    // Same attributes, same lengths (ids are fixed-width): only the data differs.
    Event.Builder overLimit = event("test.size").dataContentType("application/octet-stream");
    assertThat(fixture.maxDataBytes(overLimit.build()))
        .as("data bytes that fit the oversized event's attributes").isEqualTo(max);
    Event tooLarge = overLimit.data(new byte[max + 1]).build();
    Result refused = await(client.send(tooLarge, resultTimeout()));
    assertThat(refused.status()).as("%d bytes of data, one over: %s", max + 1, refused)
        .isEqualTo(Status.INVALID);
    assertThat(refused.errorCode()).contains("TOO_LARGE");
    assertThat(refused.eventId()).isIn(tooLarge.id(), "");

    for (int i = 10; i < 20; i++) {
      others.add(other.send(echo("other-" + i), resultTimeout()).toCompletableFuture());
    }
    for (CompletableFuture<Result> f : others) {
      Result r = f.get(resultTimeout().toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r.status()).as("another client's request: %s", r).isEqualTo(Status.OK);
    }
    // The refusing connection may be closed by the server; a new client is served.
    try (EventClient fresh = server.newClient()) {
      assertEchoWorks(fresh);
    }
  }

  @Test
  void malformedInputIsInvalidAndTheServerKeepsServing() throws Exception {
    Map<String, Object> valid = new HashMap<>();
    valid.put("id", "raw-" + IDS.incrementAndGet());
    valid.put("source", SOURCE);
    valid.put("type", "test.echo");
    valid.put("specversion", "1.0");
    valid.put("datacontenttype", "text/plain");
    valid.put("data", "raw".getBytes(StandardCharsets.UTF_8));
    Result baseline = await(fixture.sendRaw(valid, resultTimeout()));
    assertThat(baseline.status()).as("a valid raw message, to prove the injection works: %s",
        baseline).isEqualTo(Status.OK);
    assertThat(baseline.dataAsString()).isEqualTo("raw");

    assertInvalid(without(valid, "id"), "id");
    assertInvalid(without(valid, "type"), "type");
    assertInvalid(without(valid, "source"), "source");
    assertInvalid(with(valid, "specversion", "0.3"), "specversion");
    assertInvalid(with(valid, "time", "yesterday"), "time");

    assertEchoWorks(client);
  }

  @Test
  void gracefulStopFinishesInFlightEventsAndRefusesNewOnes() throws Exception {
    int held = 4;
    List<Event> gated = new ArrayList<>();
    List<CompletableFuture<Result>> inFlight = new ArrayList<>();
    for (int i = 0; i < held; i++) {
      Event e = event("test.gate").data("in-flight-" + i, "text/plain").build();
      gated.add(e);
      inFlight.add(client.send(e, resultTimeout()).toCompletableFuture());
    }
    Awaitility.await("all " + held + " events at the gate").atMost(resultTimeout())
        .until(() -> processors.gate.entered() == held);

    CompletableFuture<DrainReport> stopping =
        CompletableFuture.supplyAsync(() -> server.stop(resultTimeout()));
    Awaitility.await("the server refusing new events once stopping")
        .atMost(resultTimeout())
        .until(() -> await(client.send(echo("probe"), resultTimeout())).status(),
            status -> status == Status.UNAVAILABLE);
    assertThat(stopping).as("stop waits for the held events").isNotDone();
    assertThat(inFlight).allMatch(f -> !f.isDone());

    processors.gate.open();
    for (int i = 0; i < held; i++) {
      Result r = inFlight.get(i).get(resultTimeout().toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r.status()).as("in-flight event %d: %s", i, r).isEqualTo(Status.OK);
      assertThat(r.eventId()).isEqualTo(gated.get(i).id());
      assertThat(r.dataAsString()).isEqualTo("in-flight-" + i);
    }
    DrainReport report = stopping.get(resultTimeout().toMillis(), TimeUnit.MILLISECONDS);
    assertThat(report.isClean()).as("%s", report).isTrue();
    assertThat(report.abandonedEventIds()).isEmpty();

    Result after = await(client.send(echo("after-stop"), resultTimeout()));
    assertThat(after.status()).as("%s", after).isEqualTo(Status.UNAVAILABLE);
  }

  // ---------------------------------------------------------------------------------------------

  private void assertInvalid(Map<String, Object> message, String attribute) throws Exception {
    Result r = await(fixture.sendRaw(message, resultTimeout()));
    assertThat(r.status()).as("raw message %s: %s", message.keySet(), r)
        .isEqualTo(Status.INVALID);
    assertThat(r.errorMessage()).as("error message of %s", r)
        .hasValueSatisfying(m -> assertThat(m).contains(attribute));
    assertEchoWorks(client);
  }

  private void assertEchoWorks(EventClient c) throws Exception {
    Event e = echo("still-serving");
    Result r = await(c.send(e, resultTimeout()));
    assertThat(r.status()).as("echo after the previous step: %s", r).isEqualTo(Status.OK);
    assertThat(r.eventId()).isEqualTo(e.id());
    assertThat(r.dataAsString()).isEqualTo("still-serving");
  }

  private Result await(CompletionStage<Result> stage) throws Exception {
    return stage.toCompletableFuture().get(resultTimeout().toMillis() + 5_000,
        TimeUnit.MILLISECONDS);
  }

  private static Event echo(String text) {
    return event("test.echo").data(text, "text/plain").build();
  }

  private static Event.Builder event(String type) {
    return Event.builder().id("conformance-" + String.format("%08d", IDS.incrementAndGet()))
        .source(SOURCE).type(type);
  }

  private static Map<String, Object> without(Map<String, Object> message, String attribute) {
    Map<String, Object> copy = new HashMap<>(message);
    copy.remove(attribute);
    return copy;
  }

  private static Map<String, Object> with(Map<String, Object> message, String attribute,
      Object value) {
    Map<String, Object> copy = new HashMap<>(message);
    copy.put(attribute, value);
    return copy;
  }

  private static String configYaml(TransportFixture fixture) {
    DumperOptions flow = new DumperOptions();
    flow.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
    flow.setWidth(Integer.MAX_VALUE);
    String settings = new Yaml(flow).dump(fixture.settings()).trim();
    return """
        server:
          name: conformance
          drain-timeout: 10s
          data-directory: data
          plugins-directory: plugins
        transport:
          type: %1$s
          %1$s: %2$s
        processors:
          - name: echo
            processor: %3$s
            types: [test.echo]
            concurrency: 8
            queue-capacity: %7$d
            timeout: 30s
          - name: echo-inline
            processor: %3$s
            types: [test.echo.inline]
            execution: inline
            queue-capacity: %7$d
          - name: size
            processor: %4$s
            types: [test.size]
            concurrency: 2
            timeout: 30s
          - name: gate
            processor: %5$s
            types: [test.gate]
            concurrency: 8
            queue-capacity: 64
            timeout: 60s
          - name: recorder
            processor: %6$s
            types: [test.ordered]
            concurrency: 8
            queue-capacity: 1024
            timeout: 60s
            ordering: partition-key
        """.formatted(fixture.type(), settings, ConformanceProcessors.ECHO,
        ConformanceProcessors.SIZE, ConformanceProcessors.GATE, ConformanceProcessors.RECORDER,
        IN_FLIGHT * 2);
  }
}
