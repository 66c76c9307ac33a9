package dev.sluice.transport.rabbitmq;

/**
 * The names this transport uses on the wire, for clients written without Sluice (see the
 * RabbitMQ section of {@code docs/transports.md}).
 *
 * <p><b>Requests and follow-on events</b> follow the CloudEvents AMQP protocol binding in binary
 * content mode: the data is the message body, {@code datacontenttype} is the AMQP
 * {@code content_type} property, and every other attribute is a message header named
 * {@value #CE_PREFIX} plus the attribute name ({@code cloudEvents:id}). The binding's
 * alternative prefix {@value #CE_PREFIX_ALT} is accepted too. A body with content type
 * {@value #STRUCTURED_JSON} is an event in structured mode (the CloudEvents JSON format).
 *
 * <p><b>Replies</b> go to the request's {@code reply_to} with its {@code correlation_id}; the
 * result's data is the body, its content type the {@code content_type}, and the headers
 * {@value #STATUS}, {@value #EVENT_ID}, {@value #ERROR_CODE} and {@value #ERROR_MESSAGE} carry
 * the rest.
 *
 * <p><b>Dead letters</b> keep the original body, properties and headers and add
 * {@value #STATUS}, {@value #ERROR_CODE}, {@value #ERROR_MESSAGE}, {@value #DEAD_QUEUE},
 * {@value #DEAD_SERVER} and {@value #DEAD_AT}.
 */
public final class RabbitMqHeaders {
  /** The prefix of CloudEvents attributes in headers, as the AMQP binding names it. */
  public static final String CE_PREFIX = "cloudEvents:";
  /** The binding's alternative prefix, for JMS 2.0 compatibility; accepted on input. */
  public static final String CE_PREFIX_ALT = "cloudEvents_";
  /** The content type of a structured-mode event. */
  public static final String STRUCTURED_JSON = "application/cloudevents+json";

  /** The result's status: OK, ERROR, REJECTED, OVERLOADED, UNAUTHORIZED, INVALID, TIMEOUT... */
  public static final String STATUS = "sluice-status";
  /** The id of the event the result answers. */
  public static final String EVENT_ID = "sluice-event-id";
  /** A failure's machine-readable code. */
  public static final String ERROR_CODE = "sluice-error-code";
  /** A failure's message. */
  public static final String ERROR_MESSAGE = "sluice-error-message";
  /** The queue a dead letter was consumed from. */
  public static final String DEAD_QUEUE = "sluice-queue";
  /** The server that dead-lettered the message. */
  public static final String DEAD_SERVER = "sluice-server";
  /** When the message was dead-lettered, RFC 3339. */
  public static final String DEAD_AT = "sluice-dead-lettered-at";

  private RabbitMqHeaders() {
  }
}
