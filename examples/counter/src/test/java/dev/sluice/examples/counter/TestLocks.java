package dev.sluice.examples.counter;

import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.spi.LockService;
import dev.sluice.spi.LockTimeoutException;
import dev.sluice.spi.LockedWork;
import dev.sluice.spi.StateStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small lock service and fenced state store for unit tests: leases never expire on their own,
 * but a test can {@link #takeOver} a lock to play a second holder that got it after the first
 * one's lease ran out.
 */
final class TestLocks implements LockService, StateStore {
  private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> newestToken = new ConcurrentHashMap<>();
  private final Map<String, byte[]> values = new ConcurrentHashMap<>();
  /** Lock names in the order they were granted. */
  final List<String> granted = new CopyOnWriteArrayList<>();
  private volatile Runnable whileHeld = () -> { };

  record TestLease(String name, String owner, long fencingToken, boolean isLost)
      implements Lease {
  }

  /** Runs {@code action} each time a lock has been granted, before the work starts. */
  void whileHeld(Runnable action) {
    this.whileHeld = action;
  }

  /** Grants {@code name} to someone else, as if the holder's lease had expired. */
  void takeOver(String name) {
    token(name).incrementAndGet();
  }

  @Override
  public Optional<Lease> acquire(String name, Duration lease, Duration waitTimeout)
      throws InterruptedException {
    if (!lock(name).tryAcquire(waitTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return Optional.empty();
    }
    granted.add(name);
    return Optional.of(new TestLease(name, "test", token(name).incrementAndGet(), false));
  }

  @Override
  public boolean renew(Lease lease, Duration extension) {
    return lease.fencingToken() == token(lease.name()).get();
  }

  @Override
  public void release(Lease lease) {
    lock(lease.name()).release();
  }

  @Override
  public <T> T withLock(String name, Duration lease, Duration waitTimeout, LockedWork<T> work)
      throws Exception {
    Lease held = acquire(name, lease, waitTimeout)
        .orElseThrow(() -> new LockTimeoutException(name, waitTimeout));
    try {
      whileHeld.run();
      return work.run(held);
    } finally {
      release(held);
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    return Optional.ofNullable(values.get(key)).map(byte[]::clone);
  }

  @Override
  public void put(String key, byte[] value, Lease lease) throws FencedWriteException {
    long newest = token(lease.name()).get();
    if (lease.isLost() || lease.fencingToken() != newest) {
      throw new FencedWriteException(lease.name(), lease.fencingToken(), newest);
    }
    values.put(key, value.clone());
  }

  private Semaphore lock(String name) {
    return locks.computeIfAbsent(name, n -> new Semaphore(1));
  }

  private AtomicLong token(String name) {
    return newestToken.computeIfAbsent(name, n -> new AtomicLong());
  }
}
