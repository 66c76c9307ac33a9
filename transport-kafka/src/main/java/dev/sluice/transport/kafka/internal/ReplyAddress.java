package dev.sluice.transport.kafka.internal;

import dev.sluice.transport.kafka.KafkaHeaders;
import org.apache.kafka.common.header.Headers;

/** Where a request's result goes: the reply topic, an optional partition, the correlation id. */
record ReplyAddress(String topic, Integer partition, String correlationId) {

  /** From a request's headers; null when it names no reply topic (a one-way event). */
  static ReplyAddress of(Headers headers) {
    String topic = KafkaEventCodec.lastText(headers, KafkaHeaders.REPLY_TOPIC);
    if (topic == null || topic.isBlank()) {
      return null;
    }
    String correlation = KafkaEventCodec.lastText(headers, KafkaHeaders.CORRELATION_ID);
    String partition = KafkaEventCodec.lastText(headers, KafkaHeaders.REPLY_PARTITION);
    Integer p = null;
    if (partition != null) {
      try {
        p = Integer.valueOf(partition.trim());
      } catch (NumberFormatException e) {
        p = null; // a bad partition falls back to the producer's choice; the reply still goes
      }
      if (p != null && p < 0) {
        p = null;
      }
    }
    return new ReplyAddress(topic.trim(), p, correlation == null ? "" : correlation);
  }
}
