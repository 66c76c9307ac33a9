package dev.sluice.transport.netty;

import dev.sluice.transport.netty.internal.EventLoops;
import dev.sluice.transport.netty.internal.Frame;
import dev.sluice.transport.netty.internal.FrameDecoder;
import dev.sluice.transport.netty.internal.FrameEncoder;
import dev.sluice.transport.netty.internal.Limits;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare protocol connection for tests: sends frames or raw bytes exactly as given and collects
 * what the server answers, as a buggy or hostile client would talk.
 */
final class RawClient implements AutoCloseable {
  private final EventLoopGroup group = EventLoops.group(1, "raw-client");
  private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Channel channel;

  private RawClient(String host, int port, SslContext ssl) throws InterruptedException {
    channel = new Bootstrap().group(group).channel(EventLoops.channel())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (ssl != null) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc(), host, port));
            }
            ch.pipeline().addLast(new FrameDecoder(new Limits(64 << 20, 65535, 65535)),
                FrameEncoder.INSTANCE, new SimpleChannelInboundHandler<Frame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Frame msg) {
                    received.add(msg);
                  }

                  @Override
                  public void channelInactive(ChannelHandlerContext ctx) {
                    closed.complete(null);
                  }

                  @Override
                  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                  }
                });
          }
        }).connect(host, port).sync().channel();
  }

  /** A TLS connection that trusts any server (the test's own). */
  static RawClient tls(int port) throws Exception {
    return new RawClient("127.0.0.1", port, SslContextBuilder.forClient()
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .endpointIdentificationAlgorithm(null).build());
  }

  static RawClient plain(int port) throws Exception {
    return new RawClient("127.0.0.1", port, null);
  }

  /** Sends HELLO without credentials and returns the server's answer. */
  Frame handshake() throws Exception {
    send(new Frame.Hello(1, 1, Frame.Auth.NONE, "", ""));
    return next(Duration.ofSeconds(30));
  }

  void send(Frame frame) {
    channel.writeAndFlush(frame).syncUninterruptibly();
  }

  /** Writes the frames and flushes once, so that they travel together (one read, usually). */
  void sendAll(Frame... frames) {
    for (Frame f : frames) {
      channel.write(f);
    }
    channel.flush();
  }

  void sendBytes(byte[] bytes) {
    channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).syncUninterruptibly();
  }

  void sendBytes(ByteBuf bytes) {
    channel.writeAndFlush(bytes).syncUninterruptibly();
  }

  /** The next frame from the server, or null when none came in time. */
  Frame next(Duration wait) throws InterruptedException {
    return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
