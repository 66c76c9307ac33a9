package dev.sluice.transport.netty.internal;

import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.security.tls.ClientTrust;
import dev.sluice.security.tls.TlsConfig;
import dev.sluice.security.tls.TlsMaterial;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.EventClient;
import dev.sluice.transport.netty.NettySettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The netty transport's {@link EventClient}: a pool of connections, each pipelining many
 * requests, results matched by correlation id. Thread-safe; creating it does no I/O, the first
 * request connects. Result stages complete on the client's I/O threads (or its timer thread for
 * TIMEOUT): callbacks must not block.
 */
public final class NettyEventClient implements EventClient {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.transport.netty");

  private final NettySettings settings;
  private final Path dataDirectory;
  private final Optional<Credentials> credentials;
  private final ConnectionSlot[] slots;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean closed;
  private EventLoopGroup group;
  private HashedWheelTimer timer;
  private Bootstrap bootstrap;
  private SslContext ssl;
  private Frame.Hello hello;
  private String address;

  public NettyEventClient(NettySettings settings, Path dataDirectory,
      Optional<Credentials> credentials) {
    this.settings = settings;
    this.dataDirectory = dataDirectory;
    this.credentials = credentials;
    this.slots = new ConnectionSlot[settings.connections()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new ConnectionSlot(this);
    }
    this.address = (settings.tls().enabled() ? "tls://" : "tcp://") + settings.host() + ":"
        + settings.port();
  }

  private synchronized void start() {
    if (group != null) {
      return;
    }
    if (settings.tls().enabled()) {
      ClientTrust trust = settings.caFile()
          .map(f -> ClientTrust.caFile(f, null, "transport.netty.client.ca-file"))
          .or(() -> settings.pinnedSha256().map(ClientTrust::pinned))
          .orElseGet(() -> settings.insecure()
              ? ClientTrust.insecure("transport.netty.client.insecure")
              : ClientTrust.defaults(dataDirectory));
      ssl = SslContexts.client(TlsMaterial.forClient(trust, identity()),
          SslContexts.provider(settings.engine()));
      LOG.debug("netty client trusts {}", trust);
    }
    hello = credentials.map(c -> {
      char[] pw = c.password();
      try {
        return new Frame.Hello(Frame.VERSION, Frame.VERSION, Frame.Auth.PASSWORD, c.username(),
            new String(pw));
      } finally {
        java.util.Arrays.fill(pw, '\0');
      }
    }).orElse(new Frame.Hello(Frame.VERSION, Frame.VERSION, Frame.Auth.NONE, "", ""));
    timer = new HashedWheelTimer(new DefaultThreadFactory("sluice-netty-client-timer", true),
        10, TimeUnit.MILLISECONDS);
    group = EventLoops.group(Math.min(slots.length, Runtime.getRuntime().availableProcessors()),
        "sluice-netty-client");
    bootstrap = new Bootstrap().group(group).channel(EventLoops.channel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) settings.connectTimeout().toMillis());
  }

  private TlsConfig identity() {
    Map<String, Object> m = new HashMap<>();
    settings.clientCertFile().ifPresent(p -> m.put("cert-file", p.toString()));
    settings.clientKeyFile().ifPresent(p -> m.put("key-file", p.toString()));
    settings.clientKeyPassword().map(Secret::reveal).ifPresent(p -> m.put("key-password", p));
    return TlsConfig.from(Settings.of(m));
  }

  @Override
  public CompletionStage<Result> send(Event event, Duration timeout) {
    if (closed) {
      return CompletableFuture.completedFuture(Result.failure(event.id(), Status.UNAVAILABLE,
          "CLIENT_CLOSED", "this client was closed; open a new one"));
    }
    try {
      start();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Result.failure(event.id(), Status.UNAVAILABLE,
          "CLIENT_MISCONFIGURED", "the netty client cannot start: " + e.getMessage()));
    }
    long millis = Math.max(1, timeout.toMillis());
    PendingRequest p = new PendingRequest(event, System.nanoTime() + timeout.toNanos());
    p.timer = timer.newTimeout(t -> {
      p.fail(Status.TIMEOUT, "DEADLINE_EXCEEDED", "no result from " + address + " within "
          + millis + "ms");
      ClientConnection c = p.connection;
      if (c != null) {
        c.forget(p);
      }
    }, millis, TimeUnit.MILLISECONDS);
    slotFor(event).submit(p);
    return p.future;
  }

  /**
   * Events with a partition key always take the same connection, so the server receives them in
   * the order they were sent and keeps that order; events without one are spread round-robin.
   */
  private ConnectionSlot slotFor(Event event) {
    int index = event.partitionKey()
        .map(key -> key.hashCode())
        .orElseGet(next::getAndIncrement);
    return slots[Math.floorMod(index, slots.length)];
  }

  /** Opens a new connection for {@code slot}; requests wait in it until WELCOME. */
  ClientConnection connect(ConnectionSlot slot) {
    ClientConnection connection = new ClientConnection(slot, address, hello);
    Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        if (ssl != null) {
          SslHandler h = ssl.newHandler(ch.alloc(), settings.host(), settings.port());
          h.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
          ch.pipeline().addLast("tls", h);
        }
        // until WELCOME, the reader-idle limit is the handshake timeout
        ch.pipeline().addLast("idle", new IdleStateHandler(
                settings.handshakeTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
            .addLast("decoder", new FrameDecoder(new Limits(settings.maxResultBytes(),
                Integer.MAX_VALUE, Integer.MAX_VALUE)))
            .addLast("encoder", FrameEncoder.INSTANCE)
            .addLast("connection", connection);
      }
    });
    ChannelFuture registered = b.register();
    Channel channel = registered.channel();
    connection.attach(channel);
    registered.addListener(r -> {
      if (!r.isSuccess()) {
        fail(slot, connection, r.cause());
        return;
      }
      channel.connect(new java.net.InetSocketAddress(settings.host(), settings.port()))
          .addListener(c -> {
            if (!c.isSuccess()) {
              fail(slot, connection, c.cause());
            }
          });
    });
    return connection;
  }

  private void fail(ConnectionSlot slot, ClientConnection connection, Throwable cause) {
    String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    slot.failed(connection, why);
    connection.connectFailed(why);
  }

  NettySettings settings() {
    return settings;
  }

  String address() {
    return address;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (ConnectionSlot s : slots) {
      s.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      // Requests still waiting get their deadline now rather than never.
      for (io.netty.util.Timeout t : timer.stop()) {
        try {
          t.task().run(t);
        } catch (Exception e) {
          LOG.debug("completing a request of a closed client failed", e);
        }
      }
    }
  }
}
