package dev.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Final failures and malformed messages go to the dead-letter queue once, with the error. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RabbitMqDeadLetterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path directory;

  private RabbitFixture fixture;
  private RabbitServers processors;
  private RabbitServers.Started server;
  private EventClient client;
  private Connection connection;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    fixture = new RabbitFixture();
    processors = RabbitServers.processors();
    server = processors.start(fixture, directory, "dead-letter-test", null);
    client = server.server().newClient();
    connection = fixture.rabbit.newConnectionFactory().newConnection("dead-letter-test");
    channel = connection.createChannel();
  }

  @AfterEach
  void stop() throws Exception {
    if (connection != null) {
      connection.abort();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    fixture.close();
  }

  @Test
  void processorFailureIsAnsweredAndDeadLetteredOnceWithTheErrorInHeaders() throws Exception {
    Event failing = RabbitServers.event(RabbitServers.FAIL, "doomed");
    Result r = client.send(failing, WAIT).toCompletableFuture().get(40, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.ERROR);
    assertThat(r.errorCode()).contains("BROKEN");

    List<GetResponse> dead = awaitDeadLetters(1);
    GetResponse letter = dead.get(0);
    Map<String, Object> h = letter.getProps().getHeaders();
    assertThat(h.get(RabbitMqHeaders.STATUS)).hasToString("ERROR");
    assertThat(h.get(RabbitMqHeaders.ERROR_CODE)).hasToString("BROKEN");
    assertThat(h.get(RabbitMqHeaders.ERROR_MESSAGE)).hasToString("the test processor always fails");
    assertThat(h.get(RabbitMqHeaders.DEAD_QUEUE)).hasToString(fixture.queue);
    assertThat(h.get("cloudEvents:id")).hasToString(failing.id());
    assertThat(new String(letter.getBody(), StandardCharsets.UTF_8)).isEqualTo("doomed");

    assertEchoStillWorks();
    assertThat(processors.failCalls.get()).as("processed once, never redelivered").isEqualTo(1);
    assertThat(channel.messageCount(fixture.queue)).isZero();
    assertThat(channel.messageCount(fixture.deadLetterQueue())).isZero();
  }

  @Test
  void malformedMessagesAreDeadLetteredAtOnceAndNeverProcessed() throws Exception {
    // no CloudEvents headers at all, no reply_to: nobody to tell but the dead-letter queue
    fixture.publish(new AMQP.BasicProperties.Builder().contentType("text/plain").build(),
        "not an event".getBytes(StandardCharsets.UTF_8));
    // structured mode with a body that is not JSON, as a request with reply_to
    Result structured = fixture.request(new AMQP.BasicProperties.Builder()
            .contentType(RabbitMqHeaders.STRUCTURED_JSON),
        "{not json".getBytes(StandardCharsets.UTF_8), WAIT).get(40, TimeUnit.SECONDS);
    assertThat(structured.status()).as("%s", structured).isEqualTo(Status.INVALID);
    assertThat(structured.errorCode()).contains("MALFORMED");
    assertThat(structured.errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("JSON"));

    List<GetResponse> dead = awaitDeadLetters(2);
    for (GetResponse letter : dead) {
      Map<String, Object> h = letter.getProps().getHeaders();
      assertThat(h.get(RabbitMqHeaders.STATUS)).hasToString("INVALID");
      assertThat(h.get(RabbitMqHeaders.ERROR_CODE)).hasToString("MALFORMED");
      assertThat(letter.getEnvelope().isRedeliver()).isFalse();
    }
    assertThat(dead).extracting(d -> d.getProps().getHeaders().get(RabbitMqHeaders.ERROR_MESSAGE)
        .toString()).anySatisfy(m -> assertThat(m).contains("'id' is missing")
        .contains("'specversion' must be 1.0"));
    assertEchoStillWorks();
    assertThat(channel.messageCount(fixture.queue)).as("nothing left to redeliver").isZero();
    assertThat(channel.messageCount(fixture.deadLetterQueue())).as("each dead once").isZero();
  }

  @Test
  void structuredJsonRequestsAreAccepted() throws Exception {
    String json = """
        {"specversion": "1.0", "id": "structured-1", "source": "/pika", "type": "%s",
         "datacontenttype": "application/json", "data": {"n": 7}}
        """.formatted(RabbitServers.ECHO);
    Result r = fixture.request(new AMQP.BasicProperties.Builder()
            .contentType(RabbitMqHeaders.STRUCTURED_JSON + "; charset=utf-8"),
        json.getBytes(StandardCharsets.UTF_8), WAIT).get(40, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
    assertThat(r.eventId()).isEqualTo("structured-1");
    assertThat(r.dataAsString()).isEqualTo("{\"n\":7}");
    assertThat(r.dataContentType()).contains("application/json");
  }

  @Test
  void followOnEventsEmittedByAProcessorArePublishedWithConfirmsAndConsumed() throws Exception {
    Event relay = RabbitServers.event(RabbitServers.RELAY, "emitted by a processor");
    Result relayed = client.send(relay, WAIT).toCompletableFuture().get(40, TimeUnit.SECONDS);
    assertThat(relayed.status()).as("%s", relayed).isEqualTo(Status.OK);
    String followOnId = relayed.dataAsString();
    // emit completed only once the broker confirmed the follow-on event; the server then
    // consumed it from the queue like any message, and the failing processor dead-lettered it
    List<GetResponse> dead = awaitDeadLetters(1);
    AMQP.BasicProperties props = dead.get(0).getProps();
    assertThat(props.getHeaders().get("cloudEvents:id")).hasToString(followOnId);
    assertThat(props.getHeaders().get("cloudEvents:type")).hasToString(RabbitServers.FAIL);
    assertThat(props.getDeliveryMode()).as("published persistent").isEqualTo(2);
    assertThat(new String(dead.get(0).getBody(), StandardCharsets.UTF_8))
        .isEqualTo("emitted by a processor");
    assertThat(processors.failCalls).hasValue(1);
  }

  @Test
  void aReplyToThatLeadsNowhereDoesNotStopTheServer() throws Exception {
    // (a bare amq.rabbitmq.reply-to is refused by the broker to the publisher itself)
    for (String replyTo : new String[] {"amq.rabbitmq.reply-to.garbage",
        "amq.rabbitmq.reply-to.g1h2AA5yZXBseUAyNzk5NjkxNAAAC1oAAAAAWXgvIw==", "no-such-queue"}) {
      Event e = RabbitServers.event(RabbitServers.ECHO, "answered into the void");
      fixture.publish(dev.sluice.transport.rabbitmq.internal.AmqpEventCodec.encode(e, false)
          .replyTo(replyTo).correlationId("c").build(), e.data());
      assertEchoStillWorks();
    }
    assertThat(server.source().isReady()).isTrue();
    assertThat(channel.messageCount(fixture.queue)).isZero();
  }

  @Test
  void aOneWayMessageRefusedAsOverloadedIsRequeuedOnceThenDeadLettered() throws Exception {
    processors.hold = new java.util.concurrent.CountDownLatch(1);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 3; i++) { // one held by the only worker, one queued, one too many
      Event e = RabbitServers.event(RabbitServers.TIGHT, "tight-" + i);
      events.add(e);
      fixture.publish(dev.sluice.transport.rabbitmq.internal.AmqpEventCodec.encode(e, true)
          .build(), e.data());
    }
    List<GetResponse> dead = awaitDeadLetters(1);
    Map<String, Object> h = dead.get(0).getProps().getHeaders();
    assertThat(h.get(RabbitMqHeaders.STATUS)).hasToString("OVERLOADED");
    assertThat(h.get("cloudEvents:id")).hasToString(events.get(2).id());
    assertThat(dead.get(0).getEnvelope().isRedeliver()).isFalse();

    processors.hold.countDown();
    await("the two that fitted processed").atMost(WAIT)
        .until(() -> processors.holdCalls.get() == 2);
    assertThat(processors.holdIds).containsExactlyInAnyOrder(events.get(0).id(),
        events.get(1).id());
    server.server().stop(WAIT);
    assertThat(channel.messageCount(fixture.queue)).as("nothing left unacknowledged").isZero();
    assertThat(channel.messageCount(fixture.deadLetterQueue())).isZero();
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

  private void assertEchoStillWorks() throws Exception {
    Event e = RabbitServers.event(RabbitServers.ECHO, "still serving");
    Result r = client.send(e, WAIT).toCompletableFuture().get(40, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
    assertThat(r.dataAsString()).isEqualTo("still serving");
  }
}
