package dev.sluice.transport.kafka.internal;

/** The cluster could not be reached, or lacks what Sluice needs; the message says what to do. */
public final class KafkaUnavailableException extends RuntimeException {
  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
