package dev.sluice.transport.kafka;

import dev.sluice.testkit.KafkaBroker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code transport.kafka} settings for one test: the shared in-process broker, topic and group
 * names no other test uses, and short group timeouts so rebalances finish quickly on a loaded
 * machine.
 */
final class KafkaTestSettings {
  private KafkaTestSettings() {
  }

  static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(0, 8);
  }

  static Map<String, Object> of(KafkaBroker broker, String name) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bootstrap-servers", broker.bootstrapServers());
    m.put("topics", List.of(name + ".requests"));
    m.put("group", name);
    m.put("dead-letter-topic", name + ".dead-letters");
    m.put("commit-interval", "200ms");
    m.put("connect-timeout", "20s");
    m.put("create-topics", Map.of("partitions", 3));
    m.put("consumer", Map.of(
        "session.timeout.ms", 6000,
        "heartbeat.interval.ms", 500,
        "max.poll.interval.ms", 60000));
    return m;
  }
}
