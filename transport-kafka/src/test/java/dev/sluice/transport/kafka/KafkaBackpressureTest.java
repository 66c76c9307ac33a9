package dev.sluice.transport.kafka;

import static dev.sluice.transport.kafka.KafkaTestTopics.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that holds max-in-flight events pauses its partitions, and keeps polling: it stays in
 * the group, with the same member id, for longer than max.poll.interval.ms.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaBackpressureTest {
  private static final int MAX_IN_FLIGHT = 10;
  private static final int EVENTS = 200;

  @TempDir
  Path directory;

  @Test
  void fullServerPausesItsPartitionsAndStaysInTheGroup() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String group = KafkaTestSettings.unique("pressure-");
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(broker, group));
    settings.put("max-in-flight", MAX_IN_FLIGHT);
    settings.put("consumer", Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 500,
        "max.poll.interval.ms", 7000));
    CountDownLatch gate = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    Map<String, AtomicInteger> applications = new ConcurrentHashMap<>();
    EventProcessor processor = (event, ctx) -> {
      entered.incrementAndGet();
      if (!gate.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException("gate never opened");
      }
      applications.computeIfAbsent(event.id(), k -> new AtomicInteger()).incrementAndGet();
      return Result.ok(event.id());
    };
    // more workers than max-in-flight: only the source's pause can hold the rest back
    SluiceServer server = KafkaTestServers.start(group, settings, processor, 64, directory, null,
        null);
    try (KafkaTestTopics kafka = new KafkaTestTopics(broker);
        Admin admin = Admin.create(broker.clientConfig())) {
      for (int i = 0; i < EVENTS; i++) {
        kafka.send(event(group + ".requests", "p-" + i, "work", "key-" + i, "x"));
      }
      kafka.flush();
      Awaitility.await("the server full").atMost(Duration.ofSeconds(60))
          .until(() -> entered.get() >= MAX_IN_FLIGHT);
      String member = onlyMember(admin, group);
      assertThat(member).as("the server is the group's one member").isNotNull();

      Awaitility.await("paused for longer than max.poll.interval.ms: nothing more taken, and "
              + "the same member in the group throughout")
          .during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> entered.get() <= 2 * MAX_IN_FLIGHT
              && member.equals(onlyMember(admin, group)));
      assertThat(entered.get()).as("events handed to the processor while paused")
          .isBetween(MAX_IN_FLIGHT, 2 * MAX_IN_FLIGHT);

      gate.countDown();
      Awaitility.await("every event processed").atMost(Duration.ofSeconds(60))
          .until(() -> applications.size() == EVENTS);
      assertThat(applications.values()).allMatch(n -> n.get() == 1);
    } finally {
      gate.countDown();
      server.stop(Duration.ofSeconds(10));
    }
  }

  /** The group's one member, or null when it has none or several. */
  private static String onlyMember(Admin admin, String group) throws Exception {
    List<MemberDescription> members = List.copyOf(admin.describeConsumerGroups(List.of(group))
        .describedGroups().get(group).get(30, TimeUnit.SECONDS).members());
    return members.size() == 1 ? members.get(0).consumerId() : null;
  }
}
