package dev.sluice.transport.kafka.internal;

import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.transport.kafka.KafkaHeaders;
import org.apache.kafka.common.header.Headers;

/** Reads a reply record back into a {@link Result}. */
final class ReplyCodec {
  private ReplyCodec() {
  }

  static Result decode(String eventId, Headers headers, byte[] value) {
    String statusText = KafkaEventCodec.lastText(headers, KafkaHeaders.STATUS);
    Status status;
    try {
      status = statusText == null ? null : Status.valueOf(statusText);
    } catch (IllegalArgumentException e) {
      status = null;
    }
    if (status == null) {
      return Result.failure(eventId, Status.ERROR, "BAD_REPLY", "the reply has no valid "
          + KafkaHeaders.STATUS + " header (" + statusText + "); is the server a Sluice server?");
    }
    String code = KafkaEventCodec.lastText(headers, KafkaHeaders.ERROR_CODE);
    if (status != Status.OK && code == null) {
      code = status.name();
    }
    return Result.of(eventId, status, value,
        KafkaEventCodec.lastText(headers, KafkaHeaders.CONTENT_TYPE), code,
        KafkaEventCodec.lastText(headers, KafkaHeaders.ERROR_MESSAGE));
  }
}
