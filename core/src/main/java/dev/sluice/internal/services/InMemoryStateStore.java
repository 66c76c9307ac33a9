package dev.sluice.internal.services;

import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.spi.StateStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Fenced key-value state in this JVM, fenced by an {@link InMemoryLockService}. */
public final class InMemoryStateStore implements StateStore {
  private final InMemoryLockService locks;
  private final Map<String, byte[]> values = new ConcurrentHashMap<>();

  public InMemoryStateStore(InMemoryLockService locks) {
    this.locks = locks;
  }

  @Override
  public Optional<byte[]> get(String key) {
    byte[] v = values.get(key);
    return v == null ? Optional.empty() : Optional.of(v.clone());
  }

  @Override
  public void put(String key, byte[] value, Lease lease) throws FencedWriteException {
    byte[] copy = value.clone();
    long newest = locks.fenced(lease, () -> values.put(key, copy));
    if (newest >= 0) {
      throw new FencedWriteException(lease.name(), lease.fencingToken(), newest);
    }
  }
}
