package dev.sluice.benchmarks.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline for the Kafka transport: the plainest echo service written on kafka-clients
 * alone. One thread polls the request topic in a consumer group and, for each record, sends the
 * reply at once: the value and content type unchanged, to the record's reply topic with its
 * correlation id, in the reply format Sluice's clients read (docs/transports.md). No decoding,
 * no validation, no ordering, no dispatch; offsets auto-committed. Its producer is configured as
 * Sluice's (idempotent, acks=all, linger.ms=0), so the comparison measures what Sluice adds.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.kafka.RawKafkaEchoService \
 *     127.0.0.1:9092 sluice.requests sluice
 * </pre>
 * Point {@code sluice bench} (or {@link KafkaEchoComparison}) at the same topic and group.
 */
public final class RawKafkaEchoService implements Runnable, AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  public RawKafkaEchoService(String bootstrap, String topic, String group) {
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", bootstrap,
        "group.id", group,
        "auto.offset.reset", "earliest",
        "key.deserializer", ByteArrayDeserializer.class,
        "value.deserializer", ByteArrayDeserializer.class));
    this.producer = new KafkaProducer<>(Map.of(
        "bootstrap.servers", bootstrap,
        "enable.idempotence", true,
        "acks", "all",
        "linger.ms", 0,
        "key.serializer", ByteArraySerializer.class,
        "value.serializer", ByteArraySerializer.class));
    this.thread = new Thread(this, "raw-kafka-echo");
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: RawKafkaEchoService <bootstrap-servers> <topic> <group>");
      System.exit(2);
    }
    RawKafkaEchoService echo = new RawKafkaEchoService(args[0], args[1], args[2]);
    Runtime.getRuntime().addShutdownHook(new Thread(echo::close));
    echo.start();
    System.out.println("raw echo on " + args[1] + " (group " + args[2] + ") at " + args[0]);
    echo.thread.join();
  }

  public void start() {
    thread.start();
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(topic));
    while (running.get()) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        String replyTopic = text(r.headers(), "sluice_reply_topic");
        if (replyTopic == null) {
          continue;
        }
        Headers h = new RecordHeaders();
        copy(r.headers(), "sluice_correlation_id", h, "sluice_correlation_id");
        copy(r.headers(), "ce_id", h, "sluice_event_id");
        h.add("sluice_status", "OK".getBytes(UTF_8));
        copy(r.headers(), "content-type", h, "content-type");
        String partition = text(r.headers(), "sluice_reply_partition");
        byte[] noKey = null;
        producer.send(new ProducerRecord<>(replyTopic,
            partition == null ? null : Integer.valueOf(partition), noKey, r.value(), h));
      }
    }
    consumer.close(Duration.ofSeconds(5));
  }

  private static String text(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), UTF_8);
  }

  private static void copy(Headers from, String name, Headers to, String as) {
    Header h = from.lastHeader(name);
    if (h != null) {
      to.add(as, h.value());
    }
  }

  @Override
  public void close() {
    if (running.compareAndSet(true, false)) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.close(Duration.ofSeconds(5));
    }
  }
}
