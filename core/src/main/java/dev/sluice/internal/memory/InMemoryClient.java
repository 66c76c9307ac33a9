package dev.sluice.internal.memory;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.memory.InMemorySettings;
import dev.sluice.spi.EventClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The client side of the in-memory transport. */
public final class InMemoryClient implements EventClient {
  private final InMemorySettings settings;
  private volatile boolean closed;

  public InMemoryClient(InMemorySettings settings) {
    this.settings = settings;
  }

  @Override
  public CompletionStage<Result> send(Event event, Duration timeout) {
    if (closed) {
      return CompletableFuture.completedFuture(Result.failure(event.id(), Status.UNAVAILABLE,
          "CLIENT_CLOSED", "this client is closed; open a new one"));
    }
    return InMemoryBroker.send(settings.address(), WireMessage.encode(event), timeout);
  }

  @Override
  public void close() {
    closed = true;
  }
}
