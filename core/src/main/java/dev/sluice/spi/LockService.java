package dev.sluice.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Named distributed locks held as leases, with fencing tokens.
 *
 * <pre>{@code
 * long value = locks.withLock("counter:" + name, Duration.ofSeconds(10), Duration.ofSeconds(2),
 *     lease -> {
 *       long next = read(name) + delta;
 *       state.put("counter:" + name, encode(next), lease);   // fenced: refused if the lease was lost
 *       return next;
 *     });
 * }</pre>
 *
 * <p>A lease expires unless renewed; expiry is judged by the store's clock, never the caller's.
 * Every grant of a name carries a {@linkplain Lease#fencingToken() fencing token} larger than any
 * earlier grant of that name, so a holder that was paused past its lease can be recognised and
 * its writes refused ({@link StateStore#put}).
 */
public interface LockService {

  /**
   * Tries to acquire {@code name} for {@code lease}, waiting at most {@code waitTimeout} for a
   * current holder to release it or for its lease to expire.
   *
   * @return the lease, or empty if the lock was not free within {@code waitTimeout}
   */
  Optional<Lease> acquire(String name, Duration lease, Duration waitTimeout)
      throws InterruptedException;

  /**
   * Extends a held lease to {@code lease} from now.
   *
   * @return false if the lease had already expired or been taken over: the holder lost the lock
   */
  boolean renew(Lease lease, Duration extension);

  /** Releases a lease; releasing one that was lost does nothing. */
  void release(Lease lease);

  /**
   * Runs {@code work} while holding {@code name}, renewing the lease while it runs, and releases
   * it afterwards. When a renewal fails, the lease is marked {@linkplain Lease#isLost() lost} and
   * the working thread is interrupted.
   *
   * @throws LockTimeoutException if the lock was not acquired within {@code waitTimeout}
   */
  <T> T withLock(String name, Duration lease, Duration waitTimeout, LockedWork<T> work)
      throws Exception;
}
