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
 * <p>Every jar directly under the plugins directory, and every folder there (all jars inside it,
 * at any depth, together), gets its own class loader: child-first for the plugin's own
 * libraries, parent-first for the JDK, the Sluice API and the libraries the API exposes (Guice
 * and Guava, jakarta.inject, SLF4J, Micrometer, CloudEvents, Jackson). Two plugins may therefore
 * carry conflicting versions of a library.
 *
 * <pre>
 *  plugins/
 *  ├── echo.jar                 a plugin in one (fat) jar
 *  └── kafka/                   a plugin in a folder: all its jars share one class loader
 *      ├── sluice-kafka.jar
 *      └── lib/kafka-clients.jar
 * </pre>
 *
 * <p><b>Context class loader.</b> A plugin's code runs with its plugin's class loader as the
 * thread's context class loader: {@link #newProcessor}, {@link #transport} and {@link #source}
 * construct with it, and the engine sets it while calling into a component, using
 * {@link #classLoaderOf}. Libraries that look up classes or resources through the context class
 * loader (JDBC drivers, ServiceLoader, JAXB) thus find the plugin's own.
 *
 * <p>Instances are thread-safe. {@link #close()} releases the plugins' class loaders once the
 * engine has stopped.
 */
public final class Plugins implements AutoCloseable {
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

  /**
   * Uses the given plugin modules, with no discovery, plus the engine's own plugin (the
   * {@code memory} transport) unless it is among them; for tests and embedding.
   */
  public static Plugins of(SluicePlugin... plugins) {
    List<SluicePlugin> all = new java.util.ArrayList<>(List.of(plugins));
    if (all.stream().noneMatch(p -> p instanceof dev.sluice.internal.engine.CorePlugin)) {
      all.add(0, new dev.sluice.internal.engine.CorePlugin());
    }
    return new Plugins(dev.sluice.internal.plugin.PluginRegistry.of(all));
  }

  /**
   * A new instance of the processor bound under {@code name}, on each call (a processor bound
   * as an instance is shared).
   *
   * @throws PluginLoadException when constructing it fails
   */
  public Optional<EventProcessor> newProcessor(String name) {
    return registry.newProcessor(name);
  }

  /** A new instance of the transport bound under {@code name}. */
  public Optional<Transport> transport(String name) {
    return registry.transport(name);
  }

  /** A new instance of the source factory bound under {@code name}. */
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

  /**
   * The class loader of the plugin that binds {@code name}; the engine makes it the thread's
   * context class loader while the component runs. For a class-path or embedded plugin, the
   * loader of its module class.
   */
  public Optional<ClassLoader> classLoaderOf(PluginComponent.Kind kind, String name) {
    return registry.classLoaderOf(kind, name);
  }

  /**
   * Releases the plugins' class loaders; call it after the engine has stopped. Afterwards the
   * other methods throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    registry.close();
  }
}
