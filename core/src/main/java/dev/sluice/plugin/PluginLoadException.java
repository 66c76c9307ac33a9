package dev.sluice.plugin;

/**
 * A plugin could not be loaded: a class that does not load, a module that fails, a name bound
 * twice. The message names the jar or folder, and what to do.
 */
public final class PluginLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PluginLoadException(String message) {
    super(message);
  }

  public PluginLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
