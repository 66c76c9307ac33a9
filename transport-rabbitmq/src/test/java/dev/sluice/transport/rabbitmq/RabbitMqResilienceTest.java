package dev.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.health.Health;
import dev.sluice.transport.rabbitmq.internal.AmqpEventCodec;
import dev.sluice.spi.TransportContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RabbitMQ source under the engine's resilience contracts, against the real broker: a result
 * the engine marks dead-lettered goes to the dead-letter queue once; an open breaker holds its
 * types instead of having them redelivered; readiness follows the connection.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RabbitMqResilienceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path directory;

  private RabbitFixture fixture;
  private RabbitServers processors;
  private RabbitServers.Started server;
  private String serverName;
  private Connection connection;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    fixture = new RabbitFixture();
    processors = RabbitServers.processors();
    serverName = "resilience-" + fixture.queue;
    server = processors.start(fixture, directory, serverName, null);
    connection = fixture.rabbit.newConnectionFactory().newConnection("resilience-test");
    channel = connection.createChannel();
  }

  @AfterEach
  void stop() throws Exception {
    if (connection != null) {
      connection.abort();
    }
    if (server != null) {
      server.close();
    }
    fixture.close();
  }

  @Test
  void aFlakyFailureThatExhaustsItsRetriesIsDeadLetteredOnceWithoutRedelivery() throws Exception {
    Event e = RabbitServers.event(RabbitServers.FLAKY, "flaky");
    publishOneWay(e);

    List<GetResponse> dead = awaitDeadLetters(1);
    assertThat(dead.get(0).getProps().getHeaders().get("cloudEvents:id")).hasToString(e.id());
    assertThat(dead.get(0).getProps().getHeaders().get(RabbitMqHeaders.ERROR_CODE))
        .hasToString("FLAKY");
    // the engine's three attempts, and no redelivery by the broker for more
    await().atMost(WAIT).during(Duration.ofSeconds(2))
        .until(() -> processors.flakyCalls.get() == 3 && server.source().deliveries() == 1);
    assertThat(channel.messageCount(fixture.queue)).isZero();
    assertThat(channel.messageCount(fixture.deadLetterQueue())).as("dead once").isZero();
  }

  @Test
  void aRetryableResultMarkedDeadLetteredGoesToTheDeadLetterQueueAtOnceNotBackToTheQueue()
      throws Exception {
    server.close(); // this test drives a source of its own on the same queue
    server = null;
    AtomicInteger submitted = new AtomicInteger();
    RabbitMqSource source = new RabbitMqTransport().createSource(new Context(
        Settings.of(fixture.settings()), directory));
    source.start((event, delivery) -> {
      submitted.incrementAndGet();
      return CompletableFuture.completedFuture(Result.failure(event.id(), Status.UNAVAILABLE,
          "GAVE_UP", "retries used up").asDeadLettered());
    });
    try {
      Event e = RabbitServers.event(RabbitServers.FLAKY, "marked");
      publishOneWay(e);
      List<GetResponse> dead = awaitDeadLetters(1);
      assertThat(dead.get(0).getProps().getHeaders().get(RabbitMqHeaders.STATUS))
          .hasToString("UNAVAILABLE");
      assertThat(dead.get(0).getEnvelope().isRedeliver()).isFalse();
      // an unmarked UNAVAILABLE would have been requeued once and submitted twice
      await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> submitted.get() == 1
          && channel.messageCount(fixture.queue) == 0);
    } finally {
      source.stop(Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anOpenBreakerHoldsItsTypesWithoutRedeliveryAndResumesWhenItHalfOpens() throws Exception {
    for (int i = 0; i < 2; i++) { // two failures open the breaker
      publishOneWay(RabbitServers.event(RabbitServers.BREAKER, "fail-" + i));
    }
    awaitDeadLetters(2);
    await("breaker open, intake paused").atMost(WAIT)
        .until(() -> server.source().health().details().containsKey("pausedTypes"));
    processors.flaky = false;

    List<Event> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Event e = RabbitServers.event(RabbitServers.BREAKER, "held-" + i);
      held.add(e);
      publishOneWay(e);
    }
    publishOneWay(RabbitServers.event(RabbitServers.ECHO, "other types still flow"));
    await("held, each delivered once").atMost(WAIT)
        .until(() -> server.source().heldCount() == 5);
    // a request's sender is answered at once instead, and decides; nothing is requeued
    Event request = RabbitServers.event(RabbitServers.BREAKER, "request");
    Result refused = fixture.request(AmqpEventCodec.encode(request, true), request.data(), WAIT)
        .get(40, TimeUnit.SECONDS);
    assertThat(refused.status()).as("%s", refused).isEqualTo(Status.UNAVAILABLE);
    assertThat(refused.errorCode()).contains("CIRCUIT_OPEN");
    long deliveries = server.source().deliveries();
    assertThat(deliveries).isEqualTo(9);
    // while the breaker stays open: no redelivery, no processing
    await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() ->
        server.source().deliveries() == deliveries && processors.breakerCalls.get() == 2
            && server.source().heldCount() == 5);

    await("half-open: the held messages are processed").atMost(WAIT)
        .until(() -> processors.breakerCalls.get() == 7);
    await("all acknowledged").atMost(WAIT).until(() -> channel.messageCount(fixture.queue) == 0
        && !server.source().health().details().containsKey("pausedTypes"));
    assertThat(server.source().deliveries()).as("never redelivered").isEqualTo(9);
    assertThat(server.source().heldCount()).isZero();
    assertThat(channel.messageCount(fixture.deadLetterQueue())).as("only the two failures")
        .isZero();
  }

  @Test
  void readinessGoesDownWhenTheBrokerClosesTheConnectionAndUpAfterRecovery() throws Exception {
    Health up = server.source().health();
    assertThat(up.isUp()).as("%s", up).isTrue();
    assertThat(up.details().get("queue")).isEqualTo(fixture.queue);

    // only this server's connection is closed, by the broker: the broker keeps serving others
    rabbitmqctl("close_connection", connectionPid("sluice-server " + serverName),
        "closed by RabbitMqResilienceTest");
    await("down while disconnected").atMost(WAIT).until(() -> !server.source().health().isUp());
    assertThat(server.source().health().details().get("state").toString()).contains("lost");
    assertThat(server.server().readiness().isUp()).isFalse();
    assertThat(server.server().metrics().get("sluice.transport.errors")
        .tag("transport", "rabbitmq").tag("kind", "connection").counter().count()).isEqualTo(1);

    await("up again after automatic recovery").atMost(WAIT)
        .until(() -> server.source().health().isUp());
    await().atMost(WAIT).until(() -> server.server().readiness().isUp());
  }

  @Test
  void readinessGoesDownWhenTheConnectionIsClosedAndStaysDown() {
    server.source().abortConnection();
    await("down once closed").atMost(WAIT).until(() -> !server.source().health().isUp());
    assertThat(server.server().readiness().isUp()).isFalse();
  }

  @Test
  void reportsTransportMetersAndGuardsThePublisher() throws Exception {
    publishOneWay(RabbitServers.event(RabbitServers.FLAKY, "counted"));
    awaitDeadLetters(1);
    MeterRegistry metrics = server.server().metrics();
    assertThat(metrics.get("sluice.transport.connections").tag("transport", "rabbitmq").gauge()
        .value()).isEqualTo(1.0);
    assertThat(metrics.get("sluice.transport.bytes").tag("transport", "rabbitmq")
        .tag("direction", "in").counter().count()).isEqualTo("counted".length());
    assertThat(metrics.get("sluice.transport.bytes").tag("transport", "rabbitmq")
        .tag("direction", "out").counter().count()).as("the dead letter").isPositive();
    assertThat(server.server().readiness().toString()).contains(RabbitMqTransport.PUBLISHER);
  }

  private record Context(Settings settings, Path dataDirectory) implements TransportContext {
    @Override
    public String serverName() {
      return "marked-test";
    }

    @Override
    public MeterRegistry metrics() {
      return new SimpleMeterRegistry();
    }
  }

  /** The broker's pid of the connection named {@code name}, from {@code rabbitmqctl}. */
  private static String connectionPid(String name) throws Exception {
    String[] lines = rabbitmqctl("list_connections", "-q", "pid", "client_properties")
        .split("\\R");
    for (String line : lines) {
      if (line.contains("\"" + name + "\"")) {
        return line.substring(0, line.indexOf('\t')).trim();
      }
    }
    throw new AssertionError("no connection named '" + name + "' in " + String.join("\n", lines));
  }

  private static String rabbitmqctl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("rabbitmqctl " + String.join(" ", args) + " failed: " + output);
    }
    return output;
  }

  private void publishOneWay(Event e) throws Exception {
    fixture.publish(AmqpEventCodec.encode(e, true).build(), e.data());
  }

  private List<GetResponse> awaitDeadLetters(int count) {
    List<GetResponse> got = new ArrayList<>();
    await("dead letters in " + fixture.deadLetterQueue()).atMost(WAIT).until(() -> {
      GetResponse g = channel.basicGet(fixture.deadLetterQueue(), true);
      if (g != null) {
        got.add(g);
      }
      return got.size() >= count;
    });
    return got;
  }
}
