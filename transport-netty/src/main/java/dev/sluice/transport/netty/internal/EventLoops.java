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

  public static EventLoopGroup group(int threads, String name) {
    IoHandlerFactory factory = nativeTransport() ? EpollIoHandler.newFactory()
        : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
        factory);
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
