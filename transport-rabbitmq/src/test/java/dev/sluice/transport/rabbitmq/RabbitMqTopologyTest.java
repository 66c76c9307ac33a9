package dev.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventClient;
import dev.sluice.transport.rabbitmq.internal.AmqpEventCodec;
import dev.sluice.transport.rabbitmq.internal.RpcClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Exchanges and bindings, quorum queues, one-way messages, and refusals that name the cause. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RabbitMqTopologyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path directory;

  @Test
  void clientsPublishToTheExchangeWithTheEventTypeAsRoutingKey() throws Exception {
    RabbitFixture fixture = new RabbitFixture(Map.of("exchange", "x-" + System.nanoTime(),
        "routing-keys", java.util.List.of("test.#")));
    String exchange = (String) fixture.settings().get("exchange");
    RabbitServers processors = RabbitServers.processors();
    try (fixture; RabbitServers.Started s = processors.start(fixture, directory, "exchange", null);
        EventClient client = s.server().newClient()) {
      Result bound = send(client, RabbitServers.event(RabbitServers.ECHO, "via exchange"));
      assertThat(bound.status()).as("%s", bound).isEqualTo(Status.OK);
      assertThat(bound.dataAsString()).isEqualTo("via exchange");

      Result unbound = send(client, RabbitServers.event("other.type", "nowhere"));
      assertThat(unbound.status()).as("%s", unbound).isEqualTo(Status.UNAVAILABLE);
      assertThat(unbound.errorMessage()).hasValueSatisfying(m -> assertThat(m)
          .contains("could not route").contains("exchange '" + exchange + "'"));
    } finally {
      deleteExchange(fixture, exchange);
    }
  }

  @Test
  void quorumQueuesServeRequests() throws Exception {
    RabbitFixture fixture = new RabbitFixture(Map.of("queue-type", "quorum"));
    RabbitServers processors = RabbitServers.processors();
    try (fixture; RabbitServers.Started s = processors.start(fixture, directory, "quorum", null);
        EventClient client = s.server().newClient()) {
      Result r = send(client, RabbitServers.event(RabbitServers.ECHO, "replicated"));
      assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
      try (Connection c = fixture.rabbit.newConnectionFactory().newConnection("quorum-check");
          Channel ch = c.createChannel()) {
        // an equivalent declaration succeeds; a classic queue would refuse it (406)
        ch.queueDeclare(fixture.queue, true, false, false, Map.of("x-queue-type", "quorum",
            "x-dead-letter-exchange", fixture.queue + ".dlx"));
      }
    }
  }

  @Test
  void oneWayMessagesAreProcessedAndAcknowledgedWithoutAReply() throws Exception {
    RabbitFixture fixture = new RabbitFixture();
    RabbitServers processors = RabbitServers.processors();
    try (fixture; RabbitServers.Started s = processors.start(fixture, directory, "one-way", null);
        Connection c = fixture.rabbit.newConnectionFactory().newConnection("one-way-test");
        Channel ch = c.createChannel()) {
      for (int i = 0; i < 10; i++) {
        Event e = RabbitServers.event(RabbitServers.HOLD, "one-way-" + i);
        fixture.publish(AmqpEventCodec.encode(e, true).build(),
            e.dataAsString().getBytes(StandardCharsets.UTF_8));
      }
      await("all ten processed").atMost(WAIT).until(() -> processors.holdCalls.get() == 10);
      s.server().stop(WAIT);
      // anything processed but not acknowledged would be back in the queue now
      assertThat(ch.messageCount(fixture.queue)).as("left in the queue").isZero();
      assertThat(ch.messageCount(fixture.deadLetterQueue())).isZero();
      assertThat(processors.holdCalls.get()).isEqualTo(10);
    }
  }

  @Test
  void aQueueDeclaredWithOtherArgumentsStopsTheStartNamingItAndTheFix() throws Exception {
    RabbitFixture fixture = new RabbitFixture();
    try (fixture; Connection c = fixture.rabbit.newConnectionFactory().newConnection("clash");
        Channel ch = c.createChannel()) {
      ch.queueDeclare(fixture.queue, true, false, false, Map.of("x-max-length", 10));
      RabbitServers processors = RabbitServers.processors();
      assertThatThrownBy(() -> processors.start(fixture, directory, "clash", null))
          .hasMessageContaining("refused to declare the queue '" + fixture.queue + "'")
          .hasMessageContaining("PRECONDITION_FAILED")
          .hasMessageContaining("delete it or change transport.rabbitmq.queue");
    }
  }

  @Test
  void aClientAnswersUnavailableAtOnceWhenTheBrokerCannotBeReached() throws Exception {
    RabbitMqSettings settings = RabbitMqSettings.from(Settings.of(Map.of(
        "uri", "amqp://app:s3cret@127.0.0.1:1/", "recovery-interval", "1m")));
    try (RpcClient client = new RpcClient(settings, () -> {
      throw new AssertionError("no TLS for amqp://");
    })) {
      Event e = RabbitServers.event(RabbitServers.ECHO, "x");
      Result first = client.send(e, Duration.ofSeconds(60)).toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      assertThat(first.status()).isEqualTo(Status.UNAVAILABLE);
      assertThat(first.errorCode()).contains("BROKER_UNREACHABLE");
      assertThat(first.errorMessage()).hasValueSatisfying(m -> assertThat(m)
          .contains("amqp://app:[hidden]@127.0.0.1:1/").doesNotContain("s3cret")
          .contains("fix transport.rabbitmq.uri"));
      // within the recovery interval the client does not even try: answered without waiting
      var second = client.send(e, Duration.ofSeconds(60)).toCompletableFuture();
      assertThat(second).isDone();
      assertThat(second.join().status()).isEqualTo(Status.UNAVAILABLE);
    }
  }

  private static Result send(EventClient client, Event e) throws Exception {
    return client.send(e, WAIT).toCompletableFuture().get(40, TimeUnit.SECONDS);
  }

  private static void deleteExchange(RabbitFixture fixture, String exchange) throws Exception {
    try (Connection c = fixture.rabbit.newConnectionFactory().newConnection("cleanup");
        Channel ch = c.createChannel()) {
      ch.exchangeDelete(exchange);
    }
  }

}
