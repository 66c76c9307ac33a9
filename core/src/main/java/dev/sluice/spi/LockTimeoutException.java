package dev.sluice.spi;

import java.time.Duration;

/** A lock was not free within the wait timeout; retryable. */
public final class LockTimeoutException extends ProcessingException {
  private static final long serialVersionUID = 1L;

  public LockTimeoutException(String name, Duration waited) {
    super("LOCK_TIMEOUT", "lock '" + name + "' was not free within " + waited.toMillis()
        + "ms; another holder keeps it - retry later", true, null);
  }
}
