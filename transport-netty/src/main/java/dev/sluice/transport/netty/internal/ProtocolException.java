package dev.sluice.transport.netty.internal;

/**
 * Input broke the protocol or a limit. The connection answers with an ERROR frame carrying
 * {@link #code()} and the message, about {@link #correlationId()} (0 for the connection), and
 * closes.
 */
public final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final int correlationId;

  public ProtocolException(ErrorCode code, int correlationId, String message) {
    super(message, null, false, false);
    this.code = code;
    this.correlationId = correlationId;
  }

  public ErrorCode code() {
    return code;
  }

  public int correlationId() {
    return correlationId;
  }
}
