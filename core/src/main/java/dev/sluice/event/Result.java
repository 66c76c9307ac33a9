package dev.sluice.event;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * What a processor answers for one event: the event id, a {@link Status}, optional data with its
 * content type, and for failures a code and a message.
 *
 * <pre>{@code
 * return Result.ok(event.id(), "{\"words\": 3}", "application/json");
 * return Result.error(event.id(), "NO_SUCH_ACCOUNT", "account 7 does not exist");
 * }</pre>
 */
public final class Result {
  private static final byte[] NO_DATA = new byte[0];

  private final String eventId;
  private final Status status;
  private final byte[] data;
  private final String dataContentType;
  private final String errorCode;
  private final String errorMessage;
  private final boolean deadLettered;

  private Result(String eventId, Status status, byte[] data, String dataContentType,
      String errorCode, String errorMessage) {
    this(eventId, status, data, dataContentType, errorCode, errorMessage, false);
  }

  private Result(String eventId, Status status, byte[] data, String dataContentType,
      String errorCode, String errorMessage, boolean deadLettered) {
    this.eventId = Objects.requireNonNull(eventId, "eventId");
    this.status = Objects.requireNonNull(status, "status");
    this.data = data == null || data.length == 0 ? NO_DATA : data;
    this.dataContentType = dataContentType;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
    this.deadLettered = deadLettered;
  }

  /** A successful result without data. */
  public static Result ok(String eventId) {
    return new Result(eventId, Status.OK, null, null, null, null);
  }

  /** A successful result; the data is copied. */
  public static Result ok(String eventId, byte[] data, String contentType) {
    return new Result(eventId, Status.OK, data == null ? null : data.clone(), contentType, null,
        null);
  }

  /** A successful result with UTF-8 text data. */
  public static Result ok(String eventId, String text, String contentType) {
    return new Result(eventId, Status.OK, text.getBytes(StandardCharsets.UTF_8), contentType, null,
        null);
  }

  /** A processing failure. */
  public static Result error(String eventId, String code, String message) {
    return failure(eventId, Status.ERROR, code, message);
  }

  /** A non-OK result of any status, with a code and a message. */
  public static Result failure(String eventId, Status status, String code, String message) {
    if (status == Status.OK) {
      throw new IllegalArgumentException("a failure cannot have status OK");
    }
    return new Result(eventId, status, null, null, Objects.requireNonNull(code, "code"), message);
  }

  /**
   * Rebuilds a result from its parts, as a transport decoding one from the wire does; an OK
   * result keeps its data, any other keeps its code and message as well.
   */
  public static Result of(String eventId, Status status, byte[] data, String contentType,
      String code, String message) {
    return new Result(eventId, status, data == null ? null : data.clone(), contentType, code,
        message);
  }

  public String eventId() {
    return eventId;
  }

  public Status status() {
    return status;
  }

  public boolean isOk() {
    return status == Status.OK;
  }

  /** A copy of the data; empty when there is none. */
  public byte[] data() {
    return data.length == 0 ? NO_DATA : data.clone();
  }

  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  public boolean hasData() {
    return data.length > 0;
  }

  public Optional<String> dataContentType() {
    return Optional.ofNullable(dataContentType);
  }

  /** A machine-readable code for failures, such as {@code PROCESSOR_FAILED}. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  /** A human-readable message for failures, saying what happened and what to do next. */
  public Optional<String> errorMessage() {
    return Optional.ofNullable(errorMessage);
  }

  /** The same result answered for another event id (fan-out, stored results). */
  public Result withEventId(String newEventId) {
    return new Result(newEventId, status, data, dataContentType, errorCode, errorMessage,
        deadLettered);
  }

  /**
   * Whether the engine gave up on the event and kept it as a dead letter: its processor failed
   * and its retries are used up. The sender still gets this (failed) result; a broker source
   * that sees the mark routes the event to its dead-letter exchange or topic and acknowledges
   * it, instead of redelivering it. Never set on a result decoded from the wire.
   */
  public boolean isDeadLettered() {
    return deadLettered;
  }

  /** This failure marked as dead-lettered; see {@link #isDeadLettered()}. */
  public Result asDeadLettered() {
    if (status == Status.OK) {
      throw new IllegalStateException("an OK result cannot be dead-lettered");
    }
    return new Result(eventId, status, data, dataContentType, errorCode, errorMessage, true);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Result)) {
      return false;
    }
    Result r = (Result) o;
    return eventId.equals(r.eventId) && status == r.status
        && java.util.Arrays.equals(data, r.data)
        && Objects.equals(dataContentType, r.dataContentType)
        && Objects.equals(errorCode, r.errorCode) && Objects.equals(errorMessage, r.errorMessage)
        && deadLettered == r.deadLettered;
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, status, errorCode);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Result{eventId=").append(eventId)
        .append(", status=").append(status);
    if (errorCode != null) {
      sb.append(", code=").append(errorCode).append(", message=").append(errorMessage);
    }
    if (deadLettered) {
      sb.append(", dead-lettered");
    }
    return sb.append(", data=").append(data.length).append(" bytes}").toString();
  }
}
