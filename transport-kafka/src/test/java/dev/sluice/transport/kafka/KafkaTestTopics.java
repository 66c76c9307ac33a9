package dev.sluice.transport.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.sluice.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for tests: produce raw records, read a topic, compare group offsets. */
final class KafkaTestTopics implements AutoCloseable {
  private final KafkaBroker broker;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Admin admin;

  KafkaTestTopics(KafkaBroker broker) {
    this.broker = broker;
    Map<String, Object> p = new HashMap<>(broker.clientConfig());
    p.put("key.serializer", ByteArraySerializer.class);
    p.put("value.serializer", ByteArraySerializer.class);
    p.put("linger.ms", 5);
    // Not idempotent: on a topic created a moment ago, the broker can answer the first batches
    // NOT_LEADER_OR_FOLLOWER, and the idempotent producer of kafka-clients 4.4 may then resend
    // them with reset sequence numbers and retry OUT_OF_ORDER_SEQUENCE_NUMBER until its
    // delivery timeout. Tests count distinct event ids, so a duplicate from a retry is harmless;
    // one request at a time keeps each partition in send order.
    p.put("enable.idempotence", false);
    p.put("acks", "all");
    p.put("max.in.flight.requests.per.connection", 1);
    this.producer = new KafkaProducer<>(p);
    this.admin = Admin.create(broker.clientConfig());
  }

  /** A one-way event in binary mode, keyed by {@code key}. */
  static ProducerRecord<byte[], byte[]> event(String topic, String id, String type, String key,
      String data) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic,
        key == null ? null : key.getBytes(UTF_8), data == null ? null : data.getBytes(UTF_8));
    r.headers().add("ce_specversion", "1.0".getBytes(UTF_8))
        .add("ce_id", id.getBytes(UTF_8))
        .add("ce_source", "/test".getBytes(UTF_8))
        .add("ce_type", type.getBytes(UTF_8));
    return r;
  }

  void send(ProducerRecord<byte[], byte[]> record) {
    producer.send(record, (m, e) -> {
      if (e != null) {
        throw new IllegalStateException("could not produce to " + record.topic(), e);
      }
    });
  }

  void flush() {
    producer.flush();
  }

  /** Every record of {@code topic} up to its current end. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Map<String, Object> c = new HashMap<>(broker.clientConfig());
    c.put("key.deserializer", ByteArrayDeserializer.class);
    c.put("value.deserializer", ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(i -> partitions.add(
          new TopicPartition(topic, i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Whether {@code group} has committed every partition of {@code topic} up to its end. */
  boolean committedToEnd(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30,
        TimeUnit.SECONDS).get(topic).partitions().size();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      long end = e.getValue().offset();
      if (end > 0 && (c == null || c.offset() < end)) {
        return false;
      }
    }
    return true;
  }

  static String header(ConsumerRecord<?, ?> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }
}
