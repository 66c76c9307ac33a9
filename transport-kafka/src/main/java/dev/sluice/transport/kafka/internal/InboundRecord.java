package dev.sluice.transport.kafka.internal;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/** A consumed record as the source keeps it: where it came from and its raw parts. */
record InboundRecord(TopicPartition partition, long offset, byte[] key, Headers headers,
    byte[] value) {
}
