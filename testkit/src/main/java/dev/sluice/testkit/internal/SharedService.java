package dev.sluice.testkit.internal;

import dev.sluice.testkit.ServiceUnavailableException;
import java.util.function.Supplier;

/**
 * A lazily resolved JVM-wide service. A failure is remembered too: every later test fails at
 * once with the same message instead of probing (and waiting on timeouts) again.
 */
public final class SharedService<T> {
  private final Supplier<T> resolver;
  private T value;
  private RuntimeException failure;

  public SharedService(Supplier<T> resolver) {
    this.resolver = resolver;
  }

  public synchronized T get() {
    if (value != null) {
      return value;
    }
    if (failure != null) {
      throw new ServiceUnavailableException(failure.getMessage(), failure);
    }
    try {
      value = resolver.get();
      return value;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
  }
}
