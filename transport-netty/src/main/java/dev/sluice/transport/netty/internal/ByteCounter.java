package dev.sluice.transport.netty.internal;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes on the wire (TLS records included) into the transport's shared meters; first
 * in the pipeline, so it sees what the socket reads and writes. Passes every message on untouched.
 */
@Sharable
final class ByteCounter extends ChannelDuplexHandler {
  private final Counter in;
  private final Counter out;

  ByteCounter(Counter in, Counter out) {
    this.in = in;
    this.out = out;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      in.increment(buf.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf buf) {
      out.increment(buf.readableBytes());
    }
    ctx.write(msg, promise);
  }
}
