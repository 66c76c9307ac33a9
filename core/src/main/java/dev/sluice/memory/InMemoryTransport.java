package dev.sluice.memory;

import dev.sluice.event.Result;
import dev.sluice.internal.memory.InMemoryBroker;
import dev.sluice.internal.memory.InMemoryClient;
import dev.sluice.internal.memory.InMemorySource;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The {@code memory} transport. Bound by the engine's own plugin, so it is always available.
 */
public final class InMemoryTransport implements Transport {
  /** The name it is bound under. */
  public static final String NAME = "memory";

  @Override
  public EventSource createSource(TransportContext context) {
    return new InMemorySource(InMemorySettings.from(context.settings()), context.metrics());
  }

  @Override
  public EventClient createClient(TransportContext context) {
    return new InMemoryClient(InMemorySettings.from(context.settings()));
  }

  /**
   * Delivers a raw "wire message" to the server at {@code address}, as a buggy or hostile client
   * would: a map of CloudEvents attribute names to values, with {@code data} as a byte array.
   * The server validates it like any frame; a malformed one gets {@code INVALID}.
   */
  public static CompletionStage<Result> sendRaw(String address, Map<String, Object> message,
      Duration timeout) {
    return InMemoryBroker.send(address, message, timeout);
  }
}
