package dev.sluice.transport.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventProcessor;
import dev.sluice.testkit.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Requests and replies through a real broker, beyond the conformance suite. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaRequestReplyTest {
  private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path directory;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void fiveThousandConcurrentRequestsEachGetTheirOwnResult() throws Exception {
    Map<String, Object> settings = KafkaTestSettings.of(KafkaBroker.shared(),
        KafkaTestSettings.unique("many-"));
    server(settings, (event, ctx) -> Result.ok(event.id(), event.data(), "text/plain"), 8);
    EventClient client = client(settings);
    int n = 5_000;
    List<CompletableFuture<Result>> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Event e = Event.builder().id("many-" + i).source("/test").type("echo")
          .partitionKey("k" + (i % 50)).data("payload-" + i, "text/plain").build();
      results.add(client.send(e, RESULT_TIMEOUT).toCompletableFuture());
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .get(RESULT_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
    for (int i = 0; i < n; i++) {
      Result r = results.get(i).join();
      assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
      assertThat(r.eventId()).isEqualTo("many-" + i);
      assertThat(r.dataAsString()).isEqualTo("payload-" + i);
    }
  }

  /**
   * One partition, so any parallelism comes from the source's per-key sequencer; the processor
   * itself has no ordering.
   */
  @Test
  void sameKeyInOrderAndDifferentKeysInParallelWithinOnePartition() throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(
        KafkaBroker.shared(), KafkaTestSettings.unique("order-")));
    settings.put("create-topics", Map.of("partitions", 1));
    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> runningPerKey = new ConcurrentHashMap<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    List<String> violations = new CopyOnWriteArrayList<>();
    EventProcessor recorder = (event, ctx) -> {
      String key = event.partitionKey().orElseThrow();
      if (runningPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
        violations.add("two events of " + key + " at once");
      }
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      seen.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
          .add(Integer.parseInt(event.dataAsString()));
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // the processor's work
      running.decrementAndGet();
      runningPerKey.get(key).decrementAndGet();
      return Result.ok(event.id());
    };
    server(settings, recorder, 16);
    EventClient client = client(settings);
    int keys = 20;
    int perKey = 40;
    List<CompletableFuture<Result>> results = new ArrayList<>();
    for (int i = 0; i < perKey; i++) {
      for (int k = 0; k < keys; k++) {
        Event e = Event.builder().id("o-" + k + "-" + i).source("/test").type("ordered")
            .partitionKey("key-" + k).data(Integer.toString(i), "text/plain").build();
        results.add(client.send(e, RESULT_TIMEOUT).toCompletableFuture());
      }
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .get(RESULT_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
    assertThat(results).allMatch(f -> f.join().isOk());
    List<Integer> expected = java.util.stream.IntStream.range(0, perKey).boxed().toList();
    assertThat(seen).hasSize(keys);
    seen.forEach((key, order) -> assertThat(order).as("order of %s", key).isEqualTo(expected));
    assertThat(violations).isEmpty();
    assertThat(maxRunning.get()).as("events of different keys processed at the same time")
        .isGreaterThan(1);
  }

  @Test
  void clientsShareAReplyTopicEachOnAPartitionOfItsOwn() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    Map<String, Object> settings = KafkaTestSettings.of(broker,
        KafkaTestSettings.unique("shared-"));
    server(settings, (event, ctx) -> Result.ok(event.id(), event.data(), "text/plain"), 4);
    String replies = broker.newTopic(2);
    List<CompletableFuture<Result>> results = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      Map<String, Object> own = new LinkedHashMap<>(settings);
      own.put("reply-topic", replies);
      own.put("reply-partition", c);
      EventClient client = client(own);
      for (int i = 0; i < 200; i++) {
        Event e = Event.builder().id("c" + c + "-" + i).source("/test").type("echo")
            .data("client " + c + " request " + i, "text/plain").build();
        results.add(client.send(e, RESULT_TIMEOUT).toCompletableFuture());
      }
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .get(RESULT_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
    for (int n = 0; n < results.size(); n++) {
      Result r = results.get(n).join();
      int c = n / 200;
      int i = n % 200;
      assertThat(r.status()).as("%s", r).isEqualTo(Status.OK);
      assertThat(r.dataAsString()).isEqualTo("client " + c + " request " + i);
    }
  }

  /**
   * What docs/transports.md tells a client in another language to do: a binary-mode record with
   * the reply headers, and the reply read from the reply topic by correlation id.
   */
  @Test
  void plainKafkaProducerAndConsumerCanUseTheServer() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    Map<String, Object> settings = KafkaTestSettings.of(broker,
        KafkaTestSettings.unique("plain-"));
    server(settings, (event, ctx) -> Result.ok(event.id(),
        event.dataAsString().toUpperCase(java.util.Locale.ROOT), "text/plain"), 2);
    String requests = ((List<?>) settings.get("topics")).get(0).toString();
    String replies = broker.newTopic(1);

    Map<String, Object> consumerConfig = new HashMap<>(broker.clientConfig());
    consumerConfig.put("key.deserializer", StringDeserializer.class);
    consumerConfig.put("value.deserializer", ByteArrayDeserializer.class);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
      TopicPartition tp = new TopicPartition(replies, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      Map<String, Object> producerConfig = new HashMap<>(broker.clientConfig());
      producerConfig.put("key.serializer", StringSerializer.class);
      producerConfig.put("value.serializer", ByteArraySerializer.class);
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig)) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(requests, "customer-7",
            "hello".getBytes(UTF_8));
        record.headers().add("ce_specversion", "1.0".getBytes(UTF_8))
            .add("ce_id", "plain-1".getBytes(UTF_8))
            .add("ce_source", "/python/script".getBytes(UTF_8))
            .add("ce_type", "greeting".getBytes(UTF_8))
            .add("content-type", "text/plain".getBytes(UTF_8))
            .add("sluice_reply_topic", replies.getBytes(UTF_8))
            .add("sluice_correlation_id", "c-1".getBytes(UTF_8));
        producer.send(record).get(30, TimeUnit.SECONDS);
      }
      ConsumerRecord<String, byte[]> reply = null;
      long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
      while (reply == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          reply = r;
        }
      }
      assertThat(reply).as("a reply on %s", replies).isNotNull();
      assertThat(header(reply, "sluice_correlation_id")).isEqualTo("c-1");
      assertThat(header(reply, "sluice_status")).isEqualTo("OK");
      assertThat(header(reply, "sluice_event_id")).isEqualTo("plain-1");
      assertThat(header(reply, "content-type")).isEqualTo("text/plain");
      assertThat(new String(reply.value(), UTF_8)).isEqualTo("HELLO");
    }
  }

  @Test
  void unreachableClusterIsUnavailableWithinTheConnectTimeout() throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("bootstrap-servers", "127.0.0.1:1");
    settings.put("connect-timeout", "2s");
    EventClient client = client(settings);
    long start = System.nanoTime();
    Result r = client.send(Event.builder().id("u-1").source("/t").type("x").build(),
        Duration.ofSeconds(60)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.UNAVAILABLE);
    assertThat(r.errorMessage()).hasValueSatisfying(m -> assertThat(m)
        .contains("127.0.0.1:1").contains("connect-timeout"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void clientWithoutAReplyTopicThatMayNotCreateOneSaysWhatToSet() throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>(KafkaTestSettings.of(
        KafkaBroker.shared(), KafkaTestSettings.unique("noreply-")));
    settings.put("create-topics", Map.of("allowed", false));
    EventClient client = client(settings);
    Result r = client.send(Event.builder().id("r-1").source("/t").type("x").build(),
        Duration.ofSeconds(60)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.UNAVAILABLE);
    assertThat(r.errorMessage()).hasValueSatisfying(m -> assertThat(m)
        .contains("transport.kafka.reply-topic"));
  }

  @Test
  void requestWithNoServerInTheGroupIsUnavailableAndNotSent() throws Exception {
    Map<String, Object> settings = KafkaTestSettings.of(KafkaBroker.shared(),
        KafkaTestSettings.unique("nobody-"));
    EventClient client = client(settings);
    Result r = client.send(Event.builder().id("n-1").source("/t").type("x").build(),
        Duration.ofSeconds(60)).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(r.status()).as("%s", r).isEqualTo(Status.UNAVAILABLE);
    assertThat(r.errorCode()).contains("NO_SERVER");
    assertThat(r.errorMessage()).hasValueSatisfying(m -> assertThat(m)
        .contains(settings.get("group").toString()));
  }

  private SluiceServer server(Map<String, Object> settings, EventProcessor processor,
      int concurrency) throws Exception {
    SluiceServer server = KafkaTestServers.start(KafkaTestSettings.unique("server-"), settings,
        processor, concurrency, directory, null, null);
    toClose.add(() -> server.stop(Duration.ofSeconds(10)));
    return server;
  }

  private EventClient client(Map<String, Object> settings) {
    EventClient client = KafkaTestServers.client(settings);
    toClose.add(client);
    return client;
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }
}
