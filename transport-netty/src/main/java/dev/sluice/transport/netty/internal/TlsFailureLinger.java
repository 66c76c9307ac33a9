package dev.sluice.transport.netty.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a connection whose TLS handshake failed open for a moment after the alert, reading and
 * discarding what the client still sends, so that the client reads the alert that says why
 * (say {@code unknown_ca} for a client certificate from an untrusted CA).
 *
 * <p>Why: a TLS 1.3 client learns that its certificate was refused only after it finished its
 * side of the handshake, and by then it has often sent its first frame. When the server closes
 * with bytes unread, or bytes arrive after it closed, its kernel answers with a reset; a client
 * that writes after the reset arrived fails with "connection reset" and never reads the alert
 * (a CI run of the adversarial TLS test saw exactly that). While the server lingers, what the
 * client writes is read and dropped, so it reads the alert. The protocol's own refusals linger
 * the same way ({@code ServerConnection.refuse}).
 *
 * <p>Sits before the TLS handler (nearer the socket), so that it sees the TLS handler's close
 * and the raw bytes read. One per connection.
 */
final class TlsFailureLinger extends ChannelDuplexHandler {
  private final Future<?> handshake;
  private final long lingerMillis;
  private boolean lingering;

  /** Lingers when {@code handshake} (the TLS handler's) failed. */
  TlsFailureLinger(Future<?> handshake, long lingerMillis) {
    this.handshake = handshake;
    this.lingerMillis = lingerMillis;
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (lingering) {
      // another close (the connection's, on the handshake's exception) waits for the linger
      ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
      return;
    }
    if (!handshake.isDone() || handshake.isSuccess()) {
      ctx.close(promise);
      return;
    }
    lingering = true;
    // the alert is flushed already; the client closes once it has read it, which ends the
    // connection at once, else it ends after the linger
    ctx.channel().config().setAutoRead(true);
    ctx.executor().schedule(() -> ctx.close(promise), lingerMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (lingering) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
