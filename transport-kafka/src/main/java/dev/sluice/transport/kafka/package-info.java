/**
 * The Kafka transport ({@code transport.type: kafka}): {@link
 * dev.sluice.transport.kafka.KafkaTransport}, its settings ({@link
 * dev.sluice.transport.kafka.KafkaSettings}, section {@code transport.kafka}) and the record
 * headers it adds to the CloudEvents Kafka binding ({@link
 * dev.sluice.transport.kafka.KafkaHeaders}).
 *
 * <p>Guarantees: at-least-once processing (offsets are committed only past finished events, so
 * a crash or rebalance redelivers and never skips; with a shared event store a redelivered event
 * is answered from the store, not processed again); events with the same partition key in
 * offset order, different keys in parallel within a partition; failed and undecodable records
 * on the dead-letter topic with the error in headers.
 */
package dev.sluice.transport.kafka;
