package dev.sluice.transport.kafka.internal;

import dev.sluice.security.tls.TlsMaterial;
import dev.sluice.transport.kafka.KafkaSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The properties Sluice gives Kafka's consumer, producer and admin client: its own defaults,
 * then the {@code tls} section mapped onto {@code ssl.*} by the shared TLS policy, then the {@code common} and the
 * client's own pass-through map, which win. Reads the PEM files of the {@code tls} section, so it
 * runs when a source or client starts, not when it is created.
 */
public final class KafkaClientConfigs {
  private KafkaClientConfigs() {
  }

  /** For the server's consumer in {@code group}. */
  public static Map<String, Object> consumer(KafkaSettings s, String clientId) {
    Map<String, Object> p = base(s, clientId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, s.group());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // a request topic's records written before the first server started are served too
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // one poll never takes more than max-in-flight, so the source holds at most twice that
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, s.maxInFlight()));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    Map<String, String> own = s.consumerProperties();
    if (!"consumer".equalsIgnoreCase(own.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG))) {
      // Incremental rebalancing: a server joining or leaving moves only the partitions that
      // change owner, so the others keep their events in progress. (The consumer group
      // protocol of KIP-848 assigns on the broker and rejects this setting.)
      p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CooperativeStickyAssignor.class.getName());
    }
    p.putAll(own);
    return p;
  }

  /** For a client's reply consumer: no group, no commits. */
  public static Map<String, Object> replyConsumer(KafkaSettings s, String clientId) {
    Map<String, Object> p = base(s, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.putAll(s.consumerProperties());
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return p;
  }

  /**
   * Idempotent, {@code acks=all}, and {@code linger.ms=0}: a request or reply is sent at once
   * (Kafka 4 lingers 5 ms by default, which a request/reply round trip pays twice).
   */
  public static Map<String, Object> producer(KafkaSettings s, String clientId) {
    Map<String, Object> p = base(s, clientId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) s.connectTimeout().toMillis());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.putAll(s.producerProperties());
    return p;
  }

  public static Map<String, Object> admin(KafkaSettings s, String clientId) {
    Map<String, Object> p = base(s, clientId);
    int timeout = (int) s.connectTimeout().toMillis();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 30_000));
    p.putAll(s.adminProperties());
    return p;
  }

  private static Map<String, Object> base(KafkaSettings s, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    p.putAll(tls(s));
    p.putAll(s.commonProperties());
    return p;
  }

  /**
   * The {@code tls} section as Kafka {@code ssl.*} properties under the shared TLS policy
   * ({@link TlsMaterial#kafkaProperties()}: TLS 1.3 and 1.2, the policy's cipher suites, host
   * names checked), with {@code security.protocol} {@code SASL_SSL} when {@code common} sets a
   * SASL mechanism; empty when TLS is off. Reads the PEM files.
   *
   * @throws dev.sluice.security.tls.TlsException naming the key whose file cannot be used
   */
  public static Map<String, Object> tls(KafkaSettings s) {
    Map<String, Object> p = new HashMap<>();
    if (s.tls().isEmpty()) {
      return p;
    }
    p.putAll(TlsMaterial.forClient(s.tls().get()).kafkaProperties());
    if (s.commonProperties().containsKey("sasl.mechanism")) {
      p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    }
    return p;
  }
}
