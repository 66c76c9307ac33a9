package dev.sluice.internal.plugin;

import dev.sluice.plugin.PluginComponent;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventSourceFactory;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.spi.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Stub: replaced by the plugin-loading work. */
public final class PluginRegistry {
  public static PluginRegistry load(Path pluginsDirectory) {
    throw new UnsupportedOperationException("not yet");
  }

  public static PluginRegistry of(List<SluicePlugin> plugins) {
    throw new UnsupportedOperationException("not yet");
  }

  public Optional<EventProcessor> newProcessor(String name) {
    throw new UnsupportedOperationException("not yet");
  }

  public Optional<Transport> transport(String name) {
    throw new UnsupportedOperationException("not yet");
  }

  public Optional<EventSourceFactory> source(String name) {
    throw new UnsupportedOperationException("not yet");
  }

  public Set<String> names(PluginComponent.Kind kind) {
    throw new UnsupportedOperationException("not yet");
  }

  public List<PluginComponent> components() {
    throw new UnsupportedOperationException("not yet");
  }

  public List<Path> pluginPaths() {
    throw new UnsupportedOperationException("not yet");
  }
}
