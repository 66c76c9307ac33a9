package dev.sluice.transport.kafka;

/**
 * The record headers of the Kafka transport, beyond the CloudEvents Kafka binding's own
 * ({@code ce_<attribute>} and {@code content-type}). Every value is UTF-8 text. A client in any
 * language sends a request with {@link #REPLY_TOPIC} and {@link #CORRELATION_ID} and reads the
 * reply record that carries the same correlation id; see {@code docs/transports.md}.
 */
public final class KafkaHeaders {
  /** Prefix of the CloudEvents attributes in binary mode: {@code ce_id}, {@code ce_type}... */
  public static final String CE_PREFIX = "ce_";
  /** The data's content type in binary mode; {@code application/cloudevents+json} in structured mode. */
  public static final String CONTENT_TYPE = "content-type";
  /** The content type that marks a record as a structured-mode event. */
  public static final String STRUCTURED_JSON = "application/cloudevents+json";

  /** Request: the topic the result goes to. Without it the event is one-way: no reply. */
  public static final String REPLY_TOPIC = "sluice_reply_topic";
  /** Request: the partition of the reply topic the result goes to; optional. */
  public static final String REPLY_PARTITION = "sluice_reply_partition";
  /** Request and reply: the sender's token that ties the reply to its request. */
  public static final String CORRELATION_ID = "sluice_correlation_id";
  /** Request: when the sender stops waiting, in milliseconds since the epoch; optional. */
  public static final String DEADLINE_MS = "sluice_deadline_ms";

  /** Reply: the event id the result is for. */
  public static final String EVENT_ID = "sluice_event_id";
  /** Reply: the result's status: {@code OK}, {@code ERROR}, {@code INVALID}, ... */
  public static final String STATUS = "sluice_status";
  /** Reply and dead letter: the machine-readable error code of a failure. */
  public static final String ERROR_CODE = "sluice_error_code";
  /** Reply and dead letter: what went wrong and what to do next. */
  public static final String ERROR_MESSAGE = "sluice_error_message";

  /** Dead letter: the topic, partition and offset of the original record. */
  public static final String ORIGINAL_TOPIC = "sluice_original_topic";
  public static final String ORIGINAL_PARTITION = "sluice_original_partition";
  public static final String ORIGINAL_OFFSET = "sluice_original_offset";
  /** Dead letter: how many times the event was handed to the processors. */
  public static final String ATTEMPTS = "sluice_attempts";

  private KafkaHeaders() {
  }
}
