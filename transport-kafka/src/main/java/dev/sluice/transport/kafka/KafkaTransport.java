package dev.sluice.transport.kafka;

import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import dev.sluice.transport.kafka.internal.KafkaClient;
import dev.sluice.transport.kafka.internal.KafkaSource;

/**
 * The {@code kafka} transport. The server consumes the request topics in a consumer group; each
 * record is a CloudEvent in the Kafka protocol binding (binary or structured mode); a request
 * that names a reply topic gets its result there, with its correlation id. Clients produce
 * requests and read replies from a reply topic of their own. See {@code docs/transports.md}.
 *
 * <p>Creating a source or client validates {@code transport.kafka} (all problems at once) and
 * does no I/O; the source connects in {@code start}, a client on its first request.
 */
public final class KafkaTransport implements Transport {
  /** The name it is bound under: {@code transport.type: kafka}. */
  public static final String NAME = "kafka";

  @Override
  public EventSource createSource(TransportContext context) {
    return new KafkaSource(KafkaSettings.from(context.settings(), context.security()),
        context.serverName(), context.metrics(), context.dependency(KafkaSource.PRODUCER));
  }

  @Override
  public EventClient createClient(TransportContext context) {
    return new KafkaClient(KafkaSettings.from(context.settings(), context.security()));
  }
}
