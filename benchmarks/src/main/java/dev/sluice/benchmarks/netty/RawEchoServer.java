package dev.sluice.benchmarks.netty;

import dev.sluice.event.Status;
import dev.sluice.security.tls.TlsConfig;
import dev.sluice.security.tls.TlsMaterial;
import dev.sluice.transport.netty.NettySettings;
import dev.sluice.transport.netty.internal.EventLoops;
import dev.sluice.transport.netty.internal.Frame;
import dev.sluice.transport.netty.internal.FrameDecoder;
import dev.sluice.transport.netty.internal.FrameEncoder;
import dev.sluice.transport.netty.internal.Limits;
import dev.sluice.transport.netty.internal.SslContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The physical limit of the netty transport's stack: a server with the same framing code
 * ({@link FrameDecoder}, {@link FrameEncoder}), the same TLS settings (the development
 * certificate under the same policy, OpenSSL when it loads) and the same event loops as Sluice's,
 * that answers each EVENT on the I/O thread with an OK RESULT carrying the same data: no
 * CloudEvents validation, no dispatcher, no processor thread. Sluice's own client (and
 * {@code sluice bench}) can talk to it, since it speaks HELLO/WELCOME and PING/PONG too.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.netty.RawEchoServer 7444 /tmp/echo-data
 * }</pre>
 */
public final class RawEchoServer implements AutoCloseable {
  private final EventLoopGroup boss = EventLoops.group(1, "raw-echo-accept");
  private final EventLoopGroup workers = EventLoops.group(0, "raw-echo-io");
  private final Channel listener;

  /** Starts on {@code port} (0 for any) of 127.0.0.1, with the certificate in {@code data}. */
  public RawEchoServer(int port, Path data) throws InterruptedException {
    SslContext ssl = SslContexts.server(TlsMaterial.forServer(TlsConfig.defaults("tls"), data),
        SslContexts.provider(NettySettings.Engine.AUTO));
    listener = new ServerBootstrap().group(boss, workers).channel(EventLoops.serverChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()),
                new FrameDecoder(new Limits(1 << 20, 4096, 40)), FrameEncoder.INSTANCE,
                new Echo());
          }
        }).bind("127.0.0.1", port).sync().channel();
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Answers on the event loop; flushes once per read batch, as Sluice's outbound queue does. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Frame.EventFrame e) {
        String id = e.attribute("id");
        ctx.write(new Frame.ResultFrame(e.correlationId(), Status.OK, id == null ? "" : id,
            e.attribute("datacontenttype"), null, null, e.data()), ctx.voidPromise());
      } else if (msg instanceof Frame.Hello) {
        ctx.write(new Frame.Welcome(Frame.VERSION, 60_000, 1 << 20, "anonymous", "raw-echo"),
            ctx.voidPromise());
      } else if (msg instanceof Frame.Ping p) {
        ctx.write(new Frame.Pong(p.payload()), ctx.voidPromise());
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7444;
    Path data = Path.of(args.length > 1 ? args[1] : "data");
    RawEchoServer server = new RawEchoServer(port, data);
    System.out.println("raw echo server on tls://127.0.0.1:" + server.port()
        + " (certificate in " + data.resolve("tls") + ")");
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    Thread.currentThread().join();
  }
}
