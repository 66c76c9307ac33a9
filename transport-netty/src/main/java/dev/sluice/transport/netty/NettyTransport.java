package dev.sluice.transport.netty;

import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import dev.sluice.transport.netty.internal.NettyEventClient;
import dev.sluice.transport.netty.internal.NettyEventSource;

/**
 * The {@code netty} transport: a TLS TCP port speaking the protocol of docs/protocol.md.
 * {@link #createSource} is the server (an event source that pauses reading when the engine is
 * saturated); {@link #createClient} the pooled, pipelining client that {@code sluice send} and
 * {@code sluice bench} use. Both read {@code transport.netty} ({@link NettySettings}) and fall
 * back to {@code security.tls} for TLS material. Creating either does no I/O; configuration
 * errors are thrown as {@link dev.sluice.config.ConfigException} at once.
 */
public final class NettyTransport implements Transport {
  /** The name it is bound under: {@code transport.type: netty}. */
  public static final String NAME = "netty";

  @Override
  public EventSource createSource(TransportContext context) {
    return new NettyEventSource(NettySettings.from(context.settings(), context.security()),
        context.dataDirectory(), context.authenticator(), context.serverName(),
        context.metrics());
  }

  @Override
  public EventClient createClient(TransportContext context) {
    return new NettyEventClient(NettySettings.from(context.settings(), context.security()),
        context.dataDirectory(), context.credentials());
  }
}
