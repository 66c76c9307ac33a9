package dev.sluice.transport.netty.internal;

/**
 * What a decoder accepts: the largest frame (the value of its length field), the largest
 * attribute value in bytes, and the most attributes an event may carry.
 */
public record Limits(long maxFrameBytes, int maxAttributeBytes, int maxAttributes) {
  /** Frames before the handshake completes are small: a HELLO or a WELCOME. */
  public static final int HANDSHAKE_FRAME_BYTES = 8 * 1024;

  public Limits withMaxFrameBytes(long bytes) {
    return new Limits(bytes, maxAttributeBytes, maxAttributes);
  }
}
