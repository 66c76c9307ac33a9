package dev.sluice.transport.kafka;

import static dev.sluice.transport.kafka.KafkaTestTopics.event;
import static dev.sluice.transport.kafka.KafkaTestTopics.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Result;
import dev.sluice.health.Health;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import dev.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka source under the engine's resilience: dead letters the engine gave up on, intake
 * held while a processor's breaker is open, and readiness that follows the cluster.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaResilienceTest {
  private static final Duration AWAIT = Duration.ofSeconds(60);

  @TempDir
  Path directory;

  private static Map<String, Object> onePartition(KafkaBroker broker, String name) {
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(broker, name));
    settings.put("create-topics", Map.of("partitions", 1));
    return settings;
  }

  @Test
  void anEventWhoseEngineRetriesAreUsedUpIsDeadLetteredOnceWithoutTransportRetries()
      throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String name = KafkaTestSettings.unique("engine-dead-");
    AtomicInteger failingCalls = new AtomicInteger();
    Set<String> applied = ConcurrentHashMap.newKeySet();
    EventProcessor processor = (event, ctx) -> {
      if (event.type().equals("ledger.post")) {
        failingCalls.incrementAndGet();
        throw ProcessingException.retryable("LEDGER_DOWN", "the ledger service refused");
      }
      applied.add(event.id());
      return Result.ok(event.id());
    };
    SluiceServer server = KafkaTestServers.start(name, onePartition(broker, name), processor, 2,
        directory, null, null, List.of(
            "retry: {max-attempts: 3, initial-backoff: 10ms, max-backoff: 50ms}",
            "circuit-breaker: {enabled: false}"));
    try (KafkaTestTopics kafka = new KafkaTestTopics(broker)) {
      kafka.send(event(name + ".requests", "post-1", "ledger.post", "k1", "{}"));
      kafka.send(event(name + ".requests", "fine-1", "fine", "k2", "{}"));
      kafka.flush();

      Awaitility.await("both records finished and committed").atMost(AWAIT)
          .until(() -> applied.contains("fine-1")
              && kafka.committedToEnd(name, name + ".requests"));

      List<ConsumerRecord<byte[], byte[]>> letters = kafka.readAll(name + ".dead-letters");
      assertThat(letters).as("exactly one dead letter").hasSize(1);
      ConsumerRecord<byte[], byte[]> letter = letters.get(0);
      assertThat(header(letter, "ce_id")).isEqualTo("post-1");
      assertThat(header(letter, "sluice_error_code")).isEqualTo("LEDGER_DOWN");
      assertThat(header(letter, "sluice_attempts"))
          .as("the transport submitted it once: the engine did the retrying").isEqualTo("1");
      assertThat(failingCalls).as("the engine's three attempts, and no more").hasValue(3);
      assertThat(server.metrics().get("sluice.transport.bytes").tag("transport", "kafka")
          .tag("direction", "in").counter().count()).isPositive();
    } finally {
      server.stop(Duration.ofSeconds(10));
    }
  }

  @Test
  void anOpenBreakerHoldsItsTypesWithoutCallingTheProcessorThenIntakeResumes()
      throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String name = KafkaTestSettings.unique("breaker-");
    AtomicBoolean down = new AtomicBoolean(true);
    AtomicInteger calls = new AtomicInteger();
    Set<String> applied = ConcurrentHashMap.newKeySet();
    EventProcessor processor = (event, ctx) -> {
      calls.incrementAndGet();
      if (down.get()) {
        throw ProcessingException.retryable("PRICING_DOWN", "the pricing service refused");
      }
      applied.add(event.id());
      return Result.ok(event.id());
    };
    SluiceServer server = KafkaTestServers.start(name, onePartition(broker, name), processor, 4,
        directory, null, null, List.of(
            "retry: {max-attempts: 1}",
            "circuit-breaker: {minimum-calls: 4, sliding-window: 4, wait-in-open: 20s, "
                + "half-open-calls: 1}"));
    String requests = name + ".requests";
    try (KafkaTestTopics kafka = new KafkaTestTopics(broker)) {
      for (int i = 0; i < 4; i++) {
        kafka.send(event(requests, "opens-" + i, "price.quote", null, "{}"));
      }
      kafka.flush();
      Awaitility.await("the processor's breaker opens and intake of its types pauses")
          .atMost(AWAIT).until(() -> server.isIntakePaused("apply"));
      int callsWhenOpened = calls.get();

      List<String> held = IntStream.range(0, 10).mapToObj(i -> "held-" + i).toList();
      for (String id : held) {
        kafka.send(event(requests, id, "price.quote", null, "{}"));
      }
      kafka.flush();
      Awaitility.await("the source holds the ten events of the paused type").atMost(AWAIT)
          .until(() -> server.metrics().get("sluice.kafka.source.held").gauge().value() == 10);
      assertThat(calls.get() - callsWhenOpened)
          .as("held events do not reach the processor (at most one half-open trial)")
          .isLessThanOrEqualTo(1);
      // readiness is the source's view as of its last check (about every half second)
      Awaitility.await("readiness lists the held types").atMost(AWAIT)
          .until(() -> server.readiness().components().get("source").details()
              .containsKey("held-types"));

      down.set(false);
      Awaitility.await("after the breaker half-opens, every held event is processed")
          .atMost(AWAIT).until(() -> applied.containsAll(held));
      Awaitility.await("and committed").atMost(AWAIT)
          .until(() -> kafka.committedToEnd(name, requests));

      assertThat(server.isIntakePaused("apply")).isFalse();
      assertThat(applied).as("each held event processed once").hasSize(10);
      Set<String> deadLettered = kafka.readAll(name + ".dead-letters").stream()
          .map(r -> header(r, "ce_id")).collect(Collectors.toSet());
      assertThat(deadLettered).as("only the failures that opened the breaker")
          .containsExactlyInAnyOrder("opens-0", "opens-1", "opens-2", "opens-3");
    } finally {
      server.stop(Duration.ofSeconds(10));
    }
  }

  @Test
  void readinessIsUpWhileConsumingAndDownOnceTheClusterIsUnreachable() throws Exception {
    KafkaBroker broker = KafkaBroker.start();
    String name = KafkaTestSettings.unique("ready-");
    Set<String> applied = ConcurrentHashMap.newKeySet();
    EventProcessor processor = (event, ctx) -> {
      applied.add(event.id());
      return Result.ok(event.id());
    };
    SluiceServer server = null;
    try {
      server = KafkaTestServers.start(name, onePartition(broker, name), processor, 2,
          directory, null, null);
      SluiceServer running = server;
      try (KafkaTestTopics kafka = new KafkaTestTopics(broker)) {
        kafka.send(event(name + ".requests", "r-1", "fine", null, "{}"));
        kafka.flush();
        Awaitility.await("consuming").atMost(AWAIT).until(() -> applied.contains("r-1"));
      }
      Awaitility.await("ready while consuming").atMost(AWAIT)
          .until(() -> running.readiness().components().get("source").isUp());
      assertThat(server.metrics().get("sluice.transport.connections").tag("transport", "kafka")
          .gauge().value()).isPositive();

      broker.close();

      Awaitility.await("not ready once the broker is gone").atMost(AWAIT)
          .until(() -> !running.readiness().isUp());
      Health source = server.readiness().components().get("source");
      assertThat(source.isUp()).isFalse();
      assertThat(source.details().get("error").toString()).contains("no connection");
    } finally {
      if (server != null) {
        server.stop(Duration.ofSeconds(5));
      }
      broker.close();
    }
  }
}
