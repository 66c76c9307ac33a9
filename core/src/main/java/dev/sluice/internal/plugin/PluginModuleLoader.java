package dev.sluice.internal.plugin;

import dev.sluice.plugin.PluginLoadException;
import dev.sluice.spi.SluicePlugin;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the {@link SluicePlugin} modules a class loader provides, with {@link ServiceLoader}.
 * Loading and instantiating them runs with that loader as the thread's context class loader.
 */
final class PluginModuleLoader {
  private static final String SERVICES_FILE =
      "META-INF/services/" + SluicePlugin.class.getName();
  private static final String SERVICE_PREFIX = SluicePlugin.class.getName() + ": ";

  private PluginModuleLoader() {}

  /** Every module visible to {@code loader}: the class path. */
  static List<SluicePlugin> fromClasspath(ClassLoader loader) {
    return load(loader, "the class path", false);
  }

  /**
   * The modules of one plugin. Its loader also sees the parent's services files (child-first
   * still delegates), so providers that the plugin's loader did not define are the class path's
   * and are left out here; otherwise every class-path plugin would appear once per plugin.
   */
  static List<SluicePlugin> fromPlugin(PluginClassLoader loader, String description) {
    return load(loader, description, true);
  }

  private static List<SluicePlugin> load(ClassLoader loader, String description,
      boolean ownProvidersOnly) {
    return ContextClassLoader.callWith(loader, () -> {
      List<SluicePlugin> modules = new ArrayList<>();
      Iterator<ServiceLoader.Provider<SluicePlugin>> providers =
          ServiceLoader.load(SluicePlugin.class, loader).stream().iterator();
      while (true) {
        ServiceLoader.Provider<SluicePlugin> provider;
        try {
          if (!providers.hasNext()) {
            return modules;
          }
          provider = providers.next();
        } catch (ServiceConfigurationError | LinkageError e) {
          throw cannotLoad(description, e);
        }
        if (ownProvidersOnly && provider.type().getClassLoader() != loader) {
          continue;
        }
        try {
          modules.add(provider.get());
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
          throw new PluginLoadException(description + ": cannot instantiate plugin class "
              + provider.type().getName() + ": " + describe(e) + "; give it a public no-argument"
              + " constructor that does not fail", e);
        }
      }
    });
  }

  private static PluginLoadException cannotLoad(String description, Throwable e) {
    // ServiceLoader names the class in its message ("Provider com.acme.X not found")
    return new PluginLoadException(description + ": cannot load a plugin class listed in "
        + SERVICES_FILE + ": " + describe(e) + "; check that the file names a public class with a"
        + " public no-argument constructor, and that it and the classes it needs are in the"
        + " plugin", e);
  }

  /** The error and its root cause, on one line. */
  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.getMessage() != null ? e.getMessage() : e.toString();
    if (e instanceof ServiceConfigurationError && text.startsWith(SERVICE_PREFIX)) {
      // ServiceLoader starts with the service's name; the message names the services file
      text = text.substring(SERVICE_PREFIX.length());
    } else if (root == e) {
      text = e.toString();
    }
    return root == e ? text : text + " (caused by " + root + ")";
  }
}
