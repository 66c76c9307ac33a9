package dev.sluice.spi;

/**
 * A way to carry events to the server and results back: {@code netty}, {@code rabbitmq},
 * {@code kafka}, or {@code memory} for tests. Bound by name in a {@link SluicePlugin} and chosen
 * with {@code transport.type} in the configuration; the section of the same name
 * ({@code transport.netty}, ...) is handed over as {@link TransportContext#settings()}.
 *
 * <p>The server side is an {@link EventSource}; the client side, used by {@code sluice send} and
 * {@code sluice bench}, is an {@link EventClient}. Creating either must not do I/O: that happens
 * in {@link EventSource#start} and on the client's first request.
 */
public interface Transport {

  /** The server side. */
  EventSource createSource(TransportContext context);

  /** The client side. */
  EventClient createClient(TransportContext context);
}
