package dev.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventClient;
import dev.sluice.transport.rabbitmq.internal.AmqpEventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker restart in the middle of a run ({@code rabbitmqctl stop_app}, then
 * {@code start_app}): the server reports itself not ready, clients get UNAVAILABLE at once, and
 * when the broker is back serving resumes by itself with no acknowledged request lost.
 *
 * <p>The broker is shared with other builds on this machine: the outage is kept to a few
 * seconds and the broker is always started again.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RabbitMqRecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path directory;

  @Test
  void serverAndClientRecoverFromABrokerRestartWithoutLosingAcknowledgedRequests()
      throws Exception {
    RabbitFixture fixture = new RabbitFixture(Map.of("prefetch", 5, "recovery-interval", "500ms"));
    assertThat(fixture.rabbit.origin())
        .as("this test restarts the broker with the local rabbitmqctl, so it needs the local"
            + " RabbitMQ service (found: %s)", fixture.rabbit)
        .isEqualTo("local service");
    RabbitServers processors = RabbitServers.processors();
    processors.hold = new CountDownLatch(1);
    try (fixture;
        RabbitServers.Started started = processors.start(fixture, directory, "recovery", null);
        EventClient client = started.server().newClient()) {
      RabbitMqSource source = started.source();
      assertThat(source.isReady()).as(source.readiness()).isTrue();
      assertEcho(client);

      // 20 events the broker has confirmed: 5 held in the processor (the prefetch), 15 queued
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Event e = RabbitServers.event(RabbitServers.HOLD, "held-" + i);
        ids.add(e.id());
        fixture.publish(AmqpEventCodec.encode(e, true).build(),
            e.dataAsString().getBytes(StandardCharsets.UTF_8));
      }
      await("the prefetch's worth in the processor").atMost(WAIT)
          .until(() -> processors.holdCalls.get() == 5);

      try {
        rabbitmqctl("stop_app");
        await("the source reporting not ready").atMost(WAIT).until(() -> !source.isReady());
        assertThat(source.readiness()).contains("lost");

        long start = System.nanoTime();
        Result down = client.send(RabbitServers.event(RabbitServers.ECHO, "x"), WAIT)
            .toCompletableFuture().get(40, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(down.status()).as("%s", down).isEqualTo(Status.UNAVAILABLE);
        assertThat(down.errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("RabbitMQ"));
        assertThat(tookMillis).as("answered at once, not at the 60 s deadline")
            .isLessThan(5_000);

        processors.hold.countDown(); // the held events finish while their channel is gone
      } finally {
        rabbitmqctl("start_app");
      }

      await("the source ready again").atMost(WAIT).until(source::isReady);
      await("every confirmed event applied").atMost(WAIT)
          .until(() -> new HashSet<>(processors.holdIds).containsAll(ids));
      assertThat(new HashSet<>(processors.holdIds)).hasSize(20);
      assertThat(processors.holdCalls.get())
          .as("the 5 finished during the outage are answered from the store, not applied again")
          .isEqualTo(20);
      await("the same client serving again").atMost(WAIT).untilAsserted(() -> assertEcho(client));
    }
  }

  @Test
  void aChannelErrorOnTheConsumingChannelIsFollowedByANewConsumer() throws Exception {
    RabbitFixture fixture = new RabbitFixture();
    RabbitServers processors = RabbitServers.processors();
    try (fixture;
        RabbitServers.Started started = processors.start(fixture, directory, "channel", null);
        EventClient client = started.server().newClient()) {
      assertEcho(client);
      started.source().breakConsumingChannel();
      await("the source consuming on a new channel").atMost(WAIT)
          .untilAsserted(() -> assertEcho(client));
      assertThat(started.source().isReady()).as(started.source().readiness()).isTrue();
    }
  }

  private static void assertEcho(EventClient client) throws Exception {
    Result r = client.send(RabbitServers.event(RabbitServers.ECHO, "echo"), Duration.ofSeconds(10))
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
    assertThat(r.dataAsString()).isEqualTo("echo");
  }

  private static void rabbitmqctl(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("rabbitmqctl", command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("rabbitmqctl " + command + " failed: " + output);
    }
  }
}
