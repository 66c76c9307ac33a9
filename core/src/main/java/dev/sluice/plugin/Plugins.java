package dev.sluice.plugin;

import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventSourceFactory;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.spi.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The loaded plugins and everything they bind, by name.
 *
 * <pre>{@code
 * Plugins plugins = Plugins.load(Path.of("plugins"));   // class path + plugins/
 * EventProcessor echo = plugins.newProcessor("echo").orElseThrow();
 * }</pre>
 *
 * <p>Every jar directly under the plugins directory, and every folder there (all jars inside it
 * together), gets its own class loader: child-first for the plugin's own libraries,
 * parent-first for the JDK, the Sluice API and the libraries the API exposes (Guice, SLF4J,
 * Micrometer, CloudEvents). Two plugins may therefore carry conflicting versions of a library.
 */
public final class Plugins {
  private final dev.sluice.internal.plugin.PluginRegistry registry;

  private Plugins(dev.sluice.internal.plugin.PluginRegistry registry) {
    this.registry = registry;
  }

  /**
   * Loads the plugins on the class path and those in {@code pluginsDirectory} (which may be
   * absent).
   *
   * @throws PluginLoadException naming the jar when a plugin cannot load or a name is bound twice
   */
  public static Plugins load(Path pluginsDirectory) {
    return new Plugins(dev.sluice.internal.plugin.PluginRegistry.load(pluginsDirectory));
  }

  /** Loads only the plugins on the class path. */
  public static Plugins fromClasspath() {
    return load(null);
  }

  /** Uses exactly the given plugin modules, with no discovery; for tests and embedding. */
  public static Plugins of(SluicePlugin... plugins) {
    return new Plugins(dev.sluice.internal.plugin.PluginRegistry.of(List.of(plugins)));
  }

  /** A new instance of the processor bound under {@code name}. */
  public Optional<EventProcessor> newProcessor(String name) {
    return registry.newProcessor(name);
  }

  public Optional<Transport> transport(String name) {
    return registry.transport(name);
  }

  public Optional<EventSourceFactory> source(String name) {
    return registry.source(name);
  }

  public Set<String> processorNames() {
    return registry.names(PluginComponent.Kind.PROCESSOR);
  }

  public Set<String> transportNames() {
    return registry.names(PluginComponent.Kind.TRANSPORT);
  }

  public Set<String> sourceNames() {
    return registry.names(PluginComponent.Kind.SOURCE);
  }

  /** Everything bound, with where it came from, for {@code sluice plugins} and the start log. */
  public List<PluginComponent> components() {
    return registry.components();
  }

  /** The jars and folders loaded from the plugins directory. */
  public List<Path> pluginPaths() {
    return registry.pluginPaths();
  }
}
