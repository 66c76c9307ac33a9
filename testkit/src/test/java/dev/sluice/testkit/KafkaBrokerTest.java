package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {
  @Test
  void producesThenConsumesOneRecord() throws Exception {
    KafkaBroker kafka = KafkaBroker.shared();
    assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
    String topic = kafka.newTopic(2);

    Map<String, Object> producerConfig = new HashMap<>(kafka.clientConfig());
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    RecordMetadata sent;
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig)) {
      sent = producer.send(new ProducerRecord<>(topic, "key-1",
          "hello".getBytes(StandardCharsets.UTF_8))).get();
    }

    Map<String, Object> consumerConfig = new HashMap<>(kafka.clientConfig());
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "sluice-testkit-" + topic);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        ByteArrayDeserializer.class);
    List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.subscribe(List.of(topic));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
        return !received.isEmpty();
      });
    }
    assertThat(received).hasSize(1);
    assertThat(received.get(0).key()).isEqualTo("key-1");
    assertThat(received.get(0).partition()).isEqualTo(sent.partition());
    assertThat(new String(received.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("hello");
  }

  @Test
  void duplicateTopicIsAClearError() {
    KafkaBroker kafka = KafkaBroker.shared();
    String topic = kafka.newTopic(1);
    assertThatThrownBy(() -> kafka.createTopic(topic, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(topic)
        .hasMessageContaining("exists already");
  }

  @Test
  void sharedBrokerIgnoresClose() {
    KafkaBroker kafka = KafkaBroker.shared();
    kafka.close();
    assertThat(kafka.isRunning()).isTrue();
    assertThat(KafkaBroker.shared()).isSameAs(kafka);
  }

  @Test
  void ownedBrokerClosesExactlyOnce() {
    KafkaBroker owned = KafkaBroker.start();
    try (owned) {
      assertThat(owned.bootstrapServers()).isNotEqualTo(KafkaBroker.shared().bootstrapServers());
      owned.createTopic("owned-topic", 1);
    }
    assertThat(owned.isRunning()).isFalse();
    owned.close();
    assertThatThrownBy(() -> owned.createTopic("after-close", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }
}
