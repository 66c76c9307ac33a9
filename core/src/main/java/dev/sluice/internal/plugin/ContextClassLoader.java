package dev.sluice.internal.plugin;

import java.util.function.Supplier;

/** Runs code with a given thread context class loader, and restores the previous one. */
final class ContextClassLoader {
  private ContextClassLoader() {}

  static <T> T callWith(ClassLoader loader, Supplier<T> action) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return action.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
