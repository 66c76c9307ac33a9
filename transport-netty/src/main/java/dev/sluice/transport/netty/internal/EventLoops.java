package dev.sluice.transport.netty.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll when it loads, NIO otherwise. */
public final class EventLoops {
  private EventLoops() {
  }

  public static boolean nativeTransport() {
    return Epoll.isAvailable();
  }

  /**
   * A group of {@code threads} event loops, or of one per core when {@code threads} is 0.
   *
   * <p>One per core rather than Netty's two: nothing blocks on these threads (a blocking
   * processor runs on workers), so a second loop per core only adds wake-ups and switches
   * between threads. With 4 connections on 2 cores shared with a load generator, the server
   * used about 13 % less CPU per request with 2 loops than with 4 (docs/benchmarks.md).
   */
  public static EventLoopGroup group(int threads, String name) {
    IoHandlerFactory factory = nativeTransport() ? EpollIoHandler.newFactory()
        : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads(threads),
        new DefaultThreadFactory(name, true), factory);
  }

  /** {@code configured}, or the number of cores when it is 0. */
  private static int threads(int configured) {
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return nativeTransport() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends SocketChannel> channel() {
    return nativeTransport() ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  public static String describe() {
    return nativeTransport() ? "epoll" : "nio";
  }
}
