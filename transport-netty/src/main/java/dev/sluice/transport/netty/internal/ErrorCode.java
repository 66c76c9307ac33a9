package dev.sluice.transport.netty.internal;

/** The codes of an ERROR frame (docs/protocol.md, "Error codes"). */
public enum ErrorCode {
  PROTOCOL_ERROR(1),
  UNSUPPORTED_VERSION(2),
  AUTHENTICATION_FAILED(3),
  AUTHENTICATION_REQUIRED(4),
  TOO_LARGE(5),
  ATTRIBUTE_TOO_LARGE(6),
  TOO_MANY_ATTRIBUTES(7),
  HANDSHAKE_TIMEOUT(8),
  IDLE_TIMEOUT(9),
  SHUTTING_DOWN(10),
  INTERNAL_ERROR(11);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The code with this number, or {@link #PROTOCOL_ERROR} for one this version does not know. */
  public static ErrorCode of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return PROTOCOL_ERROR;
  }

  /** Whether a request refused with this code was refused for its size (INVALID, not retried). */
  public boolean isLimit() {
    return this == TOO_LARGE || this == ATTRIBUTE_TOO_LARGE || this == TOO_MANY_ATTRIBUTES;
  }
}
