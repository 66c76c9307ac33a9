package dev.sluice.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link Frame}s into one buffer each, sized from the data they carry. Stateless. */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<Frame> {
  public static final FrameEncoder INSTANCE = new FrameEncoder();

  private FrameEncoder() {
    super(Frame.class, true);
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
    int data = frame instanceof Frame.EventFrame e ? e.data().length
        : frame instanceof Frame.ResultFrame r ? r.data().length : 0;
    return ctx.alloc().ioBuffer(256 + data);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
    FrameCodec.encode(frame, out);
  }
}
