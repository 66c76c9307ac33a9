package dev.sluice.internal.plugin;

import com.google.inject.Provider;
import dev.sluice.plugin.PluginComponent;
import dev.sluice.plugin.PluginLoadException;
import java.util.Locale;
import java.util.Objects;

/**
 * A processor, transport or source factory bound by a plugin, with what it takes to create it.
 *
 * @param component kind, name, implementing class and origin, as shown to operators
 * @param pluginClassName the {@code SluicePlugin} module that bound it, to tell apart two
 *     modules with the same origin
 * @param classLoader the plugin's class loader: the context class loader while it runs
 * @param provider Guice's provider for the binding (unscoped unless the plugin says otherwise)
 */
record LoadedComponent(PluginComponent component, String pluginClassName,
    ClassLoader classLoader, Provider<?> provider) {
  LoadedComponent {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(pluginClassName, "pluginClassName");
    Objects.requireNonNull(classLoader, "classLoader");
    Objects.requireNonNull(provider, "provider");
  }

  /**
   * A new instance from the plugin's bindings, constructed with the plugin's class loader as the
   * thread's context class loader.
   *
   * @throws PluginLoadException when its construction fails
   */
  <T> T newInstance(Class<T> type) {
    try {
      return type.cast(ContextClassLoader.callWith(classLoader, provider::get));
    } catch (RuntimeException | LinkageError e) {
      throw new PluginLoadException(describe() + " could not be created: "
          + PluginModuleLoader.describe(e) + "; fix its constructor or the plugin's bindings", e);
    }
  }

  /** "processor 'echo' (com.acme.EchoProcessor) from plugins/echo.jar", for messages. */
  String describe() {
    return component.kind().name().toLowerCase(Locale.ROOT) + " '" + component.name() + "' ("
        + component.className() + ") from " + component.origin();
  }
}
