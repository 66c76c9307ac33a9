package dev.sluice.spi;

/**
 * Creates an additional {@link EventSource} that is not a transport, such as the JDBC table
 * (outbox) source. Bound by name in a {@link SluicePlugin}.
 */
@FunctionalInterface
public interface EventSourceFactory {
  EventSource create(TransportContext context);
}
