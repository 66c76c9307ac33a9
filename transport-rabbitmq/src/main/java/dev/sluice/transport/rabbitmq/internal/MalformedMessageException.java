package dev.sluice.transport.rabbitmq.internal;

/**
 * A message that is not an event: it cannot be decoded (MALFORMED) or is over the size limit
 * (TOO_LARGE). Carries the event id when one could be read, so the reply can name it.
 */
final class MalformedMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final String eventId;

  MalformedMessageException(String code, String message, String eventId) {
    super(message, null, false, false);
    this.code = code;
    this.eventId = eventId == null ? "" : eventId;
  }

  String code() {
    return code;
  }

  /** The id the message claimed, or an empty string. */
  String eventId() {
    return eventId;
  }
}
