package dev.sluice.transport.netty;

import dev.sluice.security.tls.internal.DevCertificate;
import dev.sluice.transport.netty.internal.EventLoops;
import dev.sluice.transport.netty.internal.Frame;
import dev.sluice.transport.netty.internal.FrameDecoder;
import dev.sluice.transport.netty.internal.FrameEncoder;
import dev.sluice.transport.netty.internal.Limits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare server of the protocol for tests of the client: TLS with the development certificate
 * of a data directory (which a client with that data directory trusts), and frames answered as
 * the test's script says, so a test can make a server do what ours does only in rare moments.
 */
final class ScriptedServer implements AutoCloseable {
  /** What the server does with a frame of its {@code connection}-th connection (from 1). */
  interface Script {
    void onFrame(int connection, ChannelHandlerContext ctx, Frame frame);
  }

  private final EventLoopGroup group;
  private final Channel listener;
  private final AtomicInteger connections = new AtomicInteger();

  ScriptedServer(Path dataDirectory, Script script) throws Exception {
    DevCertificate cert = DevCertificate.loadOrCreate(dataDirectory);
    SslContext ssl = SslContextBuilder.forServer(cert.key(), cert.chain()).build();
    group = EventLoops.group(1, "scripted-server");
    listener = new ServerBootstrap().group(group).channel(EventLoops.serverChannel())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            int n = connections.incrementAndGet();
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()))
                .addLast(new FrameDecoder(new Limits(1 << 20, 4096, 32)))
                .addLast(FrameEncoder.INSTANCE)
                .addLast(new SimpleChannelInboundHandler<Frame>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
                    script.onFrame(n, ctx, frame);
                  }
                });
          }
        }).bind("127.0.0.1", 0).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** How many connections were accepted so far. */
  int connections() {
    return connections.get();
  }

  @Override
  public void close() throws Exception {
    listener.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
