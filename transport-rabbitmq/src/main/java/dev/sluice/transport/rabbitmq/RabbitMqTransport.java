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
 * every problem); connections open in {@code start} and on a client's first request.
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

  /** With TLS material from the {@code tls} section. */
  public RabbitMqTransport() {
    this(TlsContextProvider.fromSettings());
  }

  /** With TLS contexts from {@code tls}, such as the shared TLS policy of the server. */
  public RabbitMqTransport(TlsContextProvider tls) {
    this.tls = Objects.requireNonNull(tls, "tls");
  }

  @Override
  public RabbitMqSource createSource(TransportContext context) {
    RabbitMqSettings settings = RabbitMqSettings.from(context.settings());
    return new QueueConsumerSource(settings, context.serverName(),
        () -> tls.sslContext(settings, context), TransportMeters.of(context.metrics(), NAME),
        context.dependency(PUBLISHER));
  }

  @Override
  public EventClient createClient(TransportContext context) {
    RabbitMqSettings settings = RabbitMqSettings.from(context.settings());
    return new RpcClient(settings, () -> tls.sslContext(settings, context));
  }
}
