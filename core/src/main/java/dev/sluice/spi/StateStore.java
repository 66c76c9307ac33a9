package dev.sluice.spi;

import java.util.Optional;

/**
 * Small key-value state for processors, with fenced writes: a write made under a lease succeeds
 * only while that lease's token is still the newest for its lock, so a holder that lost its lock
 * cannot overwrite its successor's work.
 */
public interface StateStore {

  Optional<byte[]> get(String key);

  /**
   * Writes {@code value} under {@code key} if {@code lease} is still the newest grant of its lock.
   *
   * @throws FencedWriteException if a newer lease exists or the lease was lost
   */
  void put(String key, byte[] value, Lease lease) throws FencedWriteException;
}
