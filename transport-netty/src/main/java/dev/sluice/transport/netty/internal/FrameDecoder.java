package dev.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into {@link Frame}s. The length field is checked as soon as the frame
 * header (length, type, flags, correlation id: 10 bytes) has arrived, so an oversized frame is
 * refused before its body is buffered; memory per connection stays below the frame limit.
 *
 * <p>After the first violation it throws one {@link ProtocolException} and then discards
 * everything that follows: the connection handler answers with an ERROR frame and closes.
 * Runs on the channel's event loop only; {@link #limits} may be changed there (the handshake
 * uses a small limit until WELCOME).
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private Limits limits;
  private boolean failed;
  /** Values that repeat from event to event on this connection. */
  private final RepeatedValues repeated = new RepeatedValues();

  public FrameDecoder(Limits limits) {
    this.limits = limits;
  }

  /** Changes the limits for the frames that follow; on the event loop. */
  public void limits(Limits newLimits) {
    this.limits = newLimits;
  }

  public Limits limits() {
    return limits;
  }

  /** Discards all further input, as after a violation; on the event loop. */
  public void discardFromNowOn() {
    failed = true;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed) {
      Frame frame = next(in);
      if (frame == null) {
        return;
      }
      out.add(frame);
    }
    in.skipBytes(in.readableBytes());
  }

  private Frame next(ByteBuf in) {
    int readable = in.readableBytes();
    if (readable < 4) {
      return null;
    }
    int start = in.readerIndex();
    long length = in.getUnsignedInt(start);
    if (length < Frame.HEADER_BYTES) {
      throw fail(new ProtocolException(ErrorCode.PROTOCOL_ERROR, 0, "frame length " + length
          + " is shorter than the " + Frame.HEADER_BYTES + "-byte frame header"));
    }
    if (readable < 4 + Frame.HEADER_BYTES) {
      return null;
    }
    if (length > limits.maxFrameBytes()) {
      int correlationId = in.getInt(start + 6);
      throw fail(new ProtocolException(ErrorCode.TOO_LARGE, correlationId, "frame of " + length
          + " bytes is over the limit of " + limits.maxFrameBytes()
          + " bytes (max-frame-bytes); send less data or raise the server's limit"));
    }
    if (readable < 4 + length) {
      return null;
    }
    ByteBuf body = in.slice(start + 4, (int) length);
    in.skipBytes(4 + (int) length);
    try {
      return FrameCodec.decode(body, limits, repeated);
    } catch (ProtocolException e) {
      throw fail(e);
    } catch (RuntimeException e) {
      throw fail(new ProtocolException(ErrorCode.PROTOCOL_ERROR, 0,
          "malformed frame: " + e.getMessage()));
    }
  }

  private ProtocolException fail(ProtocolException e) {
    failed = true;
    return e;
  }
}
