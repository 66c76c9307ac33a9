package dev.sluice.transport.rabbitmq;

import dev.sluice.spi.EventClient;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import dev.sluice.spi.TransportMeters;
import dev.sluice.transport.rabbitmq.internal.QueueConsumerSource;
import dev.sluice.transport.rabbitmq.internal.RpcClient;
import java.util.Objects;

/**
 * The {@code rabbitmq} transport: servers consume a durable queue as competing consumers and
 * answer on each request's {@code reply_to}; clients send with Direct Reply-to and publisher
 * confirms. Configured by the {@code transport.rabbitmq} section ({@link RabbitMqSettings}).
 *
 * <pre>{@code
 * transport:
 *   type: rabbitmq
 *   rabbitmq:
 *     uri: amqp://guest:guest@127.0.0.1:5672/
 *     queue: sluice.requests
 * }</pre>
 *
 * <p>Creating a source or client only validates the settings (a {@code ConfigException} names
 * every problem, with {@code security.tls} when TLS is on); connections open in {@code start}
 * and on a client's first request. TLS (an {@code amqps://} URI) uses the shared policy of
 * {@code dev.sluice.security.tls}, see {@link TlsContextProvider}.
 */
public final class RabbitMqTransport implements Transport {
  /** The name it is bound under. */
  public static final String NAME = "rabbitmq";
  /**
   * The outbound dependency guarding the source's confirmed publisher (dead letters, follow-on
   * events), as reported in readiness and metrics.
   */
  public static final String PUBLISHER = "rabbitmq.publisher";

  private final TlsContextProvider tls;

  /** With the shared TLS policy and material ({@link TlsContextProvider#shared()}). */
  public RabbitMqTransport() {
    this(TlsContextProvider.shared());
  }

  /** With TLS contexts from {@code tls}, such as the shared TLS policy of the server. */
  public RabbitMqTransport(TlsContextProvider tls) {
    this.tls = Objects.requireNonNull(tls, "tls");
  }

  @Override
  public RabbitMqSource createSource(TransportContext context) {
    RabbitMqSettings settings = settings(context);
    return new QueueConsumerSource(settings, context.serverName(),
        () -> tls.sslContext(settings, context), TransportMeters.of(context.metrics(), NAME),
        context.dependency(PUBLISHER));
  }

  @Override
  public EventClient createClient(TransportContext context) {
    RabbitMqSettings settings = settings(context);
    return new RpcClient(settings, () -> tls.sslContext(settings, context));
  }

  /** The section, and with TLS on also {@code security.tls}, checked before anything starts. */
  private static RabbitMqSettings settings(TransportContext context) {
    RabbitMqSettings settings = RabbitMqSettings.from(context.settings());
    if (settings.tlsEnabled()) {
      TlsContextProvider.tlsConfig(settings, context);
    }
    return settings;
  }
}
