package dev.sluice.spi;

/** Work done while holding a lock; see {@link LockService#withLock}. */
@FunctionalInterface
public interface LockedWork<T> {
  T run(Lease lease) throws Exception;
}
