package dev.sluice.internal.resilience;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.internal.services.InMemoryEventStore;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The in-memory store, with switches for what a real database does when it goes away: calls
 * that never answer ({@code hanging}), or that fail ({@code failing}).
 */
public final class ControllableStore implements EventStore {
  public final InMemoryEventStore memory;
  public volatile boolean hanging;
  public volatile boolean failing;

  public ControllableStore(Clock clock) {
    this.memory = new InMemoryEventStore(clock, 60_000, 100);
  }

  private <T> CompletionStage<T> call(java.util.function.Supplier<CompletionStage<T>> call) {
    if (hanging) {
      return new CompletableFuture<>();
    }
    if (failing) {
      return CompletableFuture.failedFuture(new IllegalStateException("database down"));
    }
    return call.get();
  }

  @Override
  public CompletionStage<Admission> admit(Event event) {
    return call(() -> memory.admit(event));
  }

  @Override
  public CompletionStage<Void> complete(EventKey key, Result result) {
    return call(() -> memory.complete(key, result));
  }

  @Override
  public CompletionStage<Void> release(EventKey key) {
    return call(() -> memory.release(key));
  }

  @Override
  public CompletionStage<Void> deadLetter(DeadLetter letter) {
    return call(() -> memory.deadLetter(letter));
  }

  @Override
  public List<Event> incomplete(int max) {
    return memory.incomplete(max);
  }
}
