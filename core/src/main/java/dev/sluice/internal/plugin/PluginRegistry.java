package dev.sluice.internal.plugin;

import dev.sluice.plugin.PluginComponent;
import dev.sluice.plugin.PluginComponent.Kind;
import dev.sluice.plugin.PluginLoadException;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventSourceFactory;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.spi.Transport;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded plugins and what they bind, by kind and name. Immutable once loaded, so safe to
 * share between threads; {@link #close()} releases the plugins' class loaders.
 *
 * <p>Loading happens in this order: the class path ({@link java.util.ServiceLoader} over the
 * context class loader), then each jar and folder of the plugins directory sorted by name (see
 * {@link PluginDirectoryScanner}), each with its own {@link PluginClassLoader}. Every plugin
 * module gets its own Guice injector. Problems are collected across all plugins and reported
 * together in one {@link PluginLoadException}.
 */
public final class PluginRegistry implements AutoCloseable {
  /** The origin of plugins found on the application class path. */
  public static final String CLASSPATH = "classpath";
  /** The origin of plugin modules handed to {@link #of(List)}. */
  public static final String EMBEDDED = "embedded";

  private static final Logger log = LoggerFactory.getLogger(PluginRegistry.class);

  private final Map<Kind, Map<String, LoadedComponent>> components;
  private final List<Path> pluginPaths;
  private final List<PluginClassLoader> classLoaders;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PluginRegistry(Map<Kind, Map<String, LoadedComponent>> components,
      List<Path> pluginPaths, List<PluginClassLoader> classLoaders) {
    this.components = components;
    this.pluginPaths = List.copyOf(pluginPaths);
    this.classLoaders = List.copyOf(classLoaders);
  }

  /**
   * Loads the plugins on the class path and those in {@code pluginsDirectory}.
   *
   * @param pluginsDirectory the plugins directory; {@code null} or absent means none
   * @throws PluginLoadException listing every problem found, each naming its jar or folder
   */
  public static PluginRegistry load(Path pluginsDirectory) {
    Loader loader = new Loader();
    try {
      loader.addClasspath(contextClassLoader());
      for (PluginLocation location : PluginDirectoryScanner.scan(pluginsDirectory)) {
        loader.addLocation(location);
      }
      return loader.build();
    } catch (RuntimeException | Error e) {
      loader.closeClassLoaders();
      throw e;
    }
  }

  /** Exactly the given modules, with origin {@value #EMBEDDED}; no discovery. */
  public static PluginRegistry of(List<SluicePlugin> plugins) {
    Loader loader = new Loader();
    for (SluicePlugin plugin : plugins) {
      loader.addModule(plugin, EMBEDDED, "embedded plugin " + plugin.getClass().getName(),
          plugin.getClass().getClassLoader());
    }
    return loader.build();
  }

  /**
   * A new instance of the processor bound under {@code name} (unless the plugin bound a shared
   * instance), created with its plugin's class loader as the thread's context class loader.
   */
  public Optional<EventProcessor> newProcessor(String name) {
    return find(Kind.PROCESSOR, name).map(c -> c.newInstance(EventProcessor.class));
  }

  /** The transport bound under {@code name}: a new instance on each call. */
  public Optional<Transport> transport(String name) {
    return find(Kind.TRANSPORT, name).map(c -> c.newInstance(Transport.class));
  }

  /** The source factory bound under {@code name}: a new instance on each call. */
  public Optional<EventSourceFactory> source(String name) {
    return find(Kind.SOURCE, name).map(c -> c.newInstance(EventSourceFactory.class));
  }

  /** The class loader of the plugin that binds {@code name}: the context loader to run it with. */
  public Optional<ClassLoader> classLoaderOf(Kind kind, String name) {
    return find(kind, name).map(LoadedComponent::classLoader);
  }

  /** The names bound for {@code kind}, sorted. */
  public Set<String> names(Kind kind) {
    checkOpen();
    return Collections.unmodifiableSet(components.get(kind).keySet());
  }

  /** Everything bound, sorted by kind and name. */
  public List<PluginComponent> components() {
    checkOpen();
    List<PluginComponent> all = new ArrayList<>();
    components.values().forEach(byName ->
        byName.values().forEach(c -> all.add(c.component())));
    return Collections.unmodifiableList(all);
  }

  /** The jars and folders loaded from the plugins directory, in load order. */
  public List<Path> pluginPaths() {
    return pluginPaths;
  }

  /**
   * Closes the plugins' class loaders; classes they have not loaded yet can no longer be loaded.
   * Call it once the engine has stopped using the plugins. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeAll(classLoaders);
  }

  private Optional<LoadedComponent> find(Kind kind, String name) {
    checkOpen();
    return Optional.ofNullable(components.get(kind).get(name));
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the plugins have been closed");
    }
  }

  private static ClassLoader contextClassLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : PluginRegistry.class.getClassLoader();
  }

  private static void closeAll(List<PluginClassLoader> loaders) {
    for (PluginClassLoader loader : loaders) {
      try {
        loader.close();
      } catch (IOException e) {
        log.warn("Could not close the class loader of plugin {}: {}", loader.getName(), e, e);
      }
    }
  }

  /** Collects components and problems while loading, then builds the registry or fails. */
  private static final class Loader {
    private final Map<Kind, Map<String, LoadedComponent>> components = new EnumMap<>(Kind.class);
    private final List<Path> pluginPaths = new ArrayList<>();
    private final List<PluginClassLoader> classLoaders = new ArrayList<>();
    private final List<PluginLoadException> problems = new ArrayList<>();

    Loader() {
      for (Kind kind : Kind.values()) {
        components.put(kind, new TreeMap<>());
      }
    }

    void addClasspath(ClassLoader loader) {
      List<SluicePlugin> modules;
      try {
        modules = PluginModuleLoader.fromClasspath(loader);
      } catch (PluginLoadException e) {
        problems.add(e);
        return;
      }
      for (SluicePlugin module : modules) {
        addModule(module, CLASSPATH, "plugin " + module.getClass().getName() + " on the class path",
            module.getClass().getClassLoader());
      }
    }

    void addLocation(PluginLocation location) {
      if (location.jars().isEmpty()) {
        log.warn("Ignoring {}: it holds no jars", location.describe());
        return;
      }
      PluginClassLoader loader;
      List<SluicePlugin> modules;
      try {
        loader = new PluginClassLoader(location.origin(), urlsOf(location),
            SluicePlugin.class.getClassLoader());
        classLoaders.add(loader);
        modules = PluginModuleLoader.fromPlugin(loader, location.describe());
      } catch (PluginLoadException e) {
        problems.add(e);
        return;
      }
      if (modules.isEmpty()) {
        log.warn("Ignoring {}: it lists no {} of its own in META-INF/services",
            location.describe(), SluicePlugin.class.getName());
        classLoaders.remove(loader);
        closeAll(List.of(loader));
        return;
      }
      pluginPaths.add(location.path());
      for (SluicePlugin module : modules) {
        addModule(module, location.origin(), location.describe(), loader);
      }
    }

    void addModule(SluicePlugin module, String origin, String description, ClassLoader loader) {
      List<LoadedComponent> bound;
      try {
        bound = PluginModuleReader.read(module, origin, description, loader);
      } catch (PluginLoadException e) {
        problems.add(e);
        return;
      }
      for (LoadedComponent component : bound) {
        add(component);
      }
    }

    private void add(LoadedComponent component) {
      PluginComponent added = component.component();
      Map<String, LoadedComponent> byName = components.get(added.kind());
      LoadedComponent existing = byName.putIfAbsent(added.name(), component);
      if (existing != null) {
        problems.add(new PluginLoadException(added.kind().name().toLowerCase(Locale.ROOT) + " '"
            + added.name() + "' is bound by both " + originsOf(existing, component)
            + "; remove one of them or rename the binding"));
      }
    }

    /** "plugins/a.jar and plugins/b.jar", with the module classes when the origins agree. */
    private static String originsOf(LoadedComponent first, LoadedComponent second) {
      String firstOrigin = first.component().origin();
      String secondOrigin = second.component().origin();
      if (!firstOrigin.equals(secondOrigin)) {
        return firstOrigin + " and " + secondOrigin;
      }
      return firstOrigin + " (" + first.pluginClassName() + ") and " + secondOrigin + " ("
          + second.pluginClassName() + ")";
    }

    private URL[] urlsOf(PluginLocation location) {
      List<URL> urls = new ArrayList<>();
      for (Path jar : location.jars()) {
        checkReadable(location, jar);
        try {
          urls.add(jar.toUri().toURL());
        } catch (MalformedURLException e) {
          throw new PluginLoadException(location.describe() + ": cannot use jar " + jar + ": "
              + e + "; rename it or move it elsewhere", e);
        }
      }
      return urls.toArray(URL[]::new);
    }

    /** Fails now on a damaged jar, rather than later with a confusing missing class. */
    private static void checkReadable(PluginLocation location, Path jar) {
      // opening reads the central directory: enough to tell a jar from a broken file
      try (JarFile opened = new JarFile(jar.toFile())) {
        opened.size();
      } catch (IOException | SecurityException e) {
        throw new PluginLoadException(location.describe() + ": cannot read jar " + jar + ": "
            + e + "; replace it with a valid jar or remove it", e);
      }
    }

    PluginRegistry build() {
      if (!problems.isEmpty()) {
        closeClassLoaders();
        throw combined(problems);
      }
      Map<Kind, Map<String, LoadedComponent>> sealed = new EnumMap<>(Kind.class);
      components.forEach((kind, byName) ->
          sealed.put(kind, Collections.unmodifiableMap(new TreeMap<>(byName))));
      logLoaded();
      return new PluginRegistry(sealed, pluginPaths, classLoaders);
    }

    void closeClassLoaders() {
      closeAll(classLoaders);
      classLoaders.clear();
    }

    private void logLoaded() {
      if (log.isDebugEnabled()) {
        components.values().forEach(byName -> byName.values().forEach(c ->
            log.debug("Loaded {}", c.describe())));
      }
    }

    /** One problem as it is; several in one exception, the first as cause, the rest suppressed. */
    private static PluginLoadException combined(List<PluginLoadException> problems) {
      if (problems.size() == 1) {
        return problems.get(0);
      }
      StringBuilder message = new StringBuilder()
          .append(problems.size()).append(" plugin problems:");
      for (int i = 0; i < problems.size(); i++) {
        message.append(System.lineSeparator()).append("  ").append(i + 1).append(") ")
            .append(problems.get(i).getMessage());
      }
      PluginLoadException combined =
          new PluginLoadException(message.toString(), problems.get(0));
      problems.subList(1, problems.size()).forEach(combined::addSuppressed);
      return combined;
    }
  }
}
