package dev.sluice.internal.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin jar or folder. Child-first for the plugin's own classes and
 * libraries, so two plugins may carry conflicting versions of a library; parent-first for the
 * JDK, the Sluice API and the libraries the API exposes, so a plugin that bundles its own copy of
 * one of those still shares the server's (otherwise its {@code EventProcessor} would not be ours).
 */
final class PluginClassLoader extends URLClassLoader {
  /**
   * Packages loaded from the parent first. A class under one of them that the parent lacks is
   * still looked up in the plugin: examples and plugins may live under {@code dev.sluice.*}.
   */
  static final List<String> PARENT_FIRST_PACKAGES = List.of(
      // the JDK
      "java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.", "org.xml.",
      // the Sluice API and engine
      "dev.sluice.",
      // what the API exposes: Guice and its dependencies, logging, metrics, events, JSON
      "com.google.inject.", "com.google.common.", "jakarta.inject.", "javax.inject.",
      "org.aopalliance.", "org.slf4j.", "io.micrometer.", "io.cloudevents.",
      "com.fasterxml.jackson.");

  private static final List<String> PARENT_FIRST_RESOURCES = PARENT_FIRST_PACKAGES.stream()
      .map(prefix -> prefix.replace('.', '/'))
      .toList();

  static {
    registerAsParallelCapable();
  }

  /**
   * @param name a name for diagnostics, such as the plugin's path
   * @param urls the plugin's jars
   * @param parent the loader of the Sluice API
   */
  PluginClassLoader(String name, URL[] urls, ClassLoader parent) {
    super(name, urls, parent);
    if (parent == null) {
      throw new IllegalArgumentException("a plugin class loader needs the Sluice API's loader as"
          + " its parent");
    }
  }

  static boolean isParentFirstClass(String className) {
    return startsWithAny(className, PARENT_FIRST_PACKAGES);
  }

  static boolean isParentFirstResource(String resourceName) {
    String name = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
    return startsWithAny(name, PARENT_FIRST_RESOURCES);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> type = findLoadedClass(name);
      if (type == null) {
        type = isParentFirstClass(name) ? parentThenChild(name) : childThenParent(name);
      }
      if (resolve) {
        resolveClass(type);
      }
      return type;
    }
  }

  private Class<?> parentThenChild(String name) throws ClassNotFoundException {
    try {
      return getParent().loadClass(name);
    } catch (ClassNotFoundException notInParent) {
      try {
        return findClass(name);
      } catch (ClassNotFoundException notInPlugin) {
        notInPlugin.addSuppressed(notInParent);
        throw notInPlugin;
      }
    }
  }

  private Class<?> childThenParent(String name) throws ClassNotFoundException {
    try {
      return findClass(name);
    } catch (ClassNotFoundException notInPlugin) {
      return getParent().loadClass(name);
    }
  }

  @Override
  public URL getResource(String name) {
    URL url;
    if (isParentFirstResource(name)) {
      url = getParent().getResource(name);
      return url != null ? url : findResource(name);
    }
    url = findResource(name);
    return url != null ? url : getParent().getResource(name);
  }

  /**
   * The plugin's resources before the parent's, except for API resources. Note that a
   * {@link java.util.ServiceLoader} over this loader therefore also sees the parent's providers;
   * {@link PluginModuleLoader} keeps only the classes this loader defined.
   */
  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> urls = new ArrayList<>();
    if (isParentFirstResource(name)) {
      urls.addAll(Collections.list(getParent().getResources(name)));
      urls.addAll(Collections.list(findResources(name)));
    } else {
      urls.addAll(Collections.list(findResources(name)));
      urls.addAll(Collections.list(getParent().getResources(name)));
    }
    return Collections.enumeration(urls);
  }

  private static boolean startsWithAny(String name, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "PluginClassLoader[" + getName() + "]";
  }
}
