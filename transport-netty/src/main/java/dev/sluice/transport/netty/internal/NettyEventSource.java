package dev.sluice.transport.netty.internal;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.security.tls.TlsMaterial;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.PausableSource;
import dev.sluice.spi.TransportMeters;
import dev.sluice.transport.netty.NettySettings;
import dev.sluice.transport.netty.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server of the netty transport: listens, runs one {@link ServerConnection} per client, and
 * pauses reading on every connection while the engine is saturated.
 *
 * <p>{@link #stop} closes the listening socket, sends GOAWAY on every connection, keeps each
 * open until its accepted requests are answered, and completes when all are closed or the
 * deadline passed (then it closes the rest).
 */
public final class NettyEventSource implements PausableSource {
  static final String TRANSPORT = "netty";
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.transport.netty");

  private final NettySettings settings;
  private final Path dataDirectory;
  private final Authenticator authenticator;
  private final String serverName;
  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile EventSink sink;
  private volatile boolean paused;
  private volatile boolean stopping;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel listener;
  private String description;
  private Limits limits;

  private final io.micrometer.core.instrument.MeterRegistry metrics;
  private final TransportMeters meters;

  /**
   * A server for {@code settings}; nothing happens before {@link #start}. Meters, registered at
   * start: {@code sluice.netty.connections} (open connections) and
   * {@code sluice.netty.refused} (connections refused with an ERROR frame, tagged by code).
   */
  public NettyEventSource(NettySettings settings, Path dataDirectory, Authenticator authenticator,
      String serverName, io.micrometer.core.instrument.MeterRegistry metrics) {
    this.metrics = metrics;
    this.meters = TransportMeters.of(metrics, NettyTransport.NAME);
    this.settings = settings;
    this.dataDirectory = dataDirectory;
    this.authenticator = authenticator;
    this.serverName = serverName;
  }

  @Override
  public synchronized void start(EventSink eventSink) throws Exception {
    this.sink = eventSink;
    this.limits = new Limits(settings.maxFrameBytes(), settings.maxAttributeBytes(),
        8 + settings.maxExtensions());
    SslContext ssl = null;
    String tlsDescription;
    InetAddress address = resolve(settings.host());
    if (settings.tls().enabled()) {
      TlsMaterial material = TlsMaterial.forServer(settings.tls(), dataDirectory);
      SslProvider provider = SslContexts.provider(settings.engine());
      ssl = SslContexts.server(material, provider);
      tlsDescription = "TLS via " + (provider == SslProvider.OPENSSL ? "OpenSSL (BoringSSL)"
          : "the JDK") + ", certificate " + material.fingerprint().map(f -> "SHA-256 " + f)
          .orElse("?") + ", client-auth " + material.clientAuth().name().toLowerCase();
    } else {
      if (!address.isLoopbackAddress() && !settings.plaintextBeyondLoopback()) {
        throw new IllegalStateException("transport.netty.tls.enabled is false and host "
            + settings.host() + " is not a loopback address: plaintext would carry events and "
            + "passwords across the network. Turn TLS on, listen on 127.0.0.1, or set "
            + "transport.netty.plaintext-beyond-loopback: true to force it");
      }
      LOG.warn("transport.netty.tls.enabled is false: events and passwords travel in clear text "
          + "on {}", settings.host());
      tlsDescription = "PLAINTEXT";
    }
    io.micrometer.core.instrument.Gauge.builder("sluice.netty.connections", connections,
        Set::size).description("open connections of the netty transport").register(metrics);
    meters.connections(connections::size);
    ByteCounter bytes = new ByteCounter(meters.bytesIn(), meters.bytesOut());
    boss = EventLoops.group(1, "sluice-netty-accept");
    workers = EventLoops.group(settings.ioThreads(), "sluice-netty-io");
    SslContext sslContext = ssl;
    long idle = settings.idleTimeout().toMillis();
    ServerBootstrap b = new ServerBootstrap().group(boss, workers)
        .channel(EventLoops.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(64 * 1024, 256 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("bytes", bytes);
            if (sslContext != null) {
              SslHandler h = sslContext.newHandler(ch.alloc());
              h.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
              ch.pipeline()
                  .addLast("tls-linger",
                      new TlsFailureLinger(h.handshakeFuture(), ServerConnection.LINGER_MILLIS))
                  .addLast("tls", h);
            }
            FrameDecoder decoder = new FrameDecoder(
                limits.withMaxFrameBytes(Limits.HANDSHAKE_FRAME_BYTES));
            ch.pipeline().addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("decoder", decoder)
                .addLast("encoder", FrameEncoder.INSTANCE)
                .addLast("connection", new ServerConnection(NettyEventSource.this, ch, decoder));
          }
        });
    try {
      listener = b.bind(address, settings.port()).sync().channel();
    } catch (Exception e) {
      shutdownGroups();
      throw new IllegalStateException("cannot listen on " + settings.host() + ":"
          + settings.port() + " (" + e + "); is another server using the port? Set "
          + "transport.netty.port to a free one", e);
    }
    int port = ((InetSocketAddress) listener.localAddress()).getPort();
    description = (sslContext != null ? "tls://" : "tcp://") + settings.host() + ":" + port;
    LOG.info("netty transport listening on {} ({}, {} event loops, max frame {} bytes)",
        description, tlsDescription, EventLoops.describe(), settings.maxFrameBytes());
  }

  private static InetAddress resolve(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("transport.netty.host '" + host
          + "' does not resolve; give an address such as 127.0.0.1 or 0.0.0.0", e);
    }
  }

  /** The port the server listens on (the chosen one when configured as 0). */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public String describe() {
    return description != null ? description : "netty (not started)";
  }

  @Override
  public void pause() {
    paused = true;
    forEachConnection(c -> c.pause(ServerConnection.PAUSED_BY_ENGINE, true));
  }

  @Override
  public void resume() {
    paused = false;
    forEachConnection(c -> c.pause(ServerConnection.PAUSED_BY_ENGINE, false));
  }

  private void forEachConnection(java.util.function.Consumer<ServerConnection> action) {
    for (ServerConnection c : connections) {
      c.channel().eventLoop().execute(() -> action.accept(c));
    }
  }

  @Override
  public CompletionStage<Void> stop(Duration drainDeadline) {
    synchronized (this) {
      if (stopping) {
        return drained;
      }
      stopping = true;
    }
    if (listener == null) {
      drained.complete(null);
      return drained;
    }
    listener.close().syncUninterruptibly();
    forEachConnection(ServerConnection::goAway);
    checkDrained();
    CompletableFuture<Void> result = new CompletableFuture<>();
    drained.orTimeout(drainDeadline.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, t) -> {
      if (t != null) {
        LOG.warn("{} connections still had requests in processing after {}ms; closing them",
            connections.size(), drainDeadline.toMillis());
        connections.forEach(c -> c.channel().close());
      }
      shutdownGroups().whenComplete((x, y) -> result.complete(null));
    });
    return result;
  }

  private CompletableFuture<Void> shutdownGroups() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (workers == null) {
      done.complete(null);
      return done;
    }
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS)
        .addListener(f -> done.complete(null));
    return done;
  }

  private void checkDrained() {
    if (stopping && connections.isEmpty()) {
      drained.complete(null);
    }
  }

  // ------------------------------------------------------------------ for ServerConnection

  void opened(ServerConnection c) {
    connections.add(c);
    if (stopping) {
      c.goAway();
    }
  }

  void refused(ErrorCode code) {
    metrics.counter("sluice.netty.refused", "code", code.name()).increment();
    meters.errors(code.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        .increment();
  }

  void closed(ServerConnection c) {
    connections.remove(c);
    checkDrained();
  }

  CompletionStage<Result> submit(Event event, Delivery delivery) {
    return sink.submit(event, delivery);
  }

  NettySettings settings() {
    return settings;
  }

  Limits limits() {
    return limits;
  }

  Authenticator authenticator() {
    return authenticator;
  }

  String serverName() {
    return serverName;
  }

  boolean isPaused() {
    return paused;
  }

  boolean isStopping() {
    return stopping;
  }
}
