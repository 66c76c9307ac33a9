package dev.sluice.internal.plugin;

import static dev.sluice.plugin.PluginJars.constantSource;
import static dev.sluice.plugin.PluginJars.pluginSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.plugin.PluginJars;
import dev.sluice.spi.SluicePlugin;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginClassLoaderTest {
  private static final ClassLoader API = SluicePlugin.class.getClassLoader();

  @TempDir Path temp;
  private PluginJars jars;

  @BeforeEach
  void setUp() throws IOException {
    jars = new PluginJars(Files.createDirectory(temp.resolve("work")));
  }

  @Test
  void prefersPluginsOwnCopyOfALibrary() throws Exception {
    Path parentLib = versionJar("parent", "lib-parent.jar");
    Path pluginLib = versionJar("plugin", "lib-plugin.jar");
    try (URLClassLoader parent = new URLClassLoader(new URL[] {url(parentLib)}, API);
        PluginClassLoader plugin = new PluginClassLoader("p", new URL[] {url(pluginLib)}, parent)) {
      Class<?> version = plugin.loadClass("com.acme.lib.Version");

      assertThat(version.getClassLoader()).isSameAs(plugin);
      assertThat(version.getMethod("get").invoke(null)).isEqualTo("plugin");
      assertThat(plugin.getResource("com/acme/lib/Version.class").toString())
          .contains("lib-plugin.jar");
      assertThat(Collections.list(plugin.getResources("com/acme/lib/Version.class")))
          .extracting(URL::toString)
          .satisfiesExactly(
              first -> assertThat(first).contains("lib-plugin.jar"),
              second -> assertThat(second).contains("lib-parent.jar"));
    }
  }

  @Test
  void fallsBackToParentForClassesThePluginLacks() throws Exception {
    Path parentLib = versionJar("parent", "lib-parent.jar");
    try (URLClassLoader parent = new URLClassLoader(new URL[] {url(parentLib)}, API);
        PluginClassLoader plugin = new PluginClassLoader("p", new URL[0], parent)) {
      assertThat(plugin.loadClass("com.acme.lib.Version").getClassLoader()).isSameAs(parent);
    }
  }

  @Test
  void loadsApiAndJdkPackagesFromParentFirst() {
    assertThat(PluginClassLoader.isParentFirstClass("dev.sluice.spi.EventProcessor")).isTrue();
    assertThat(PluginClassLoader.isParentFirstClass("com.google.inject.Module")).isTrue();
    assertThat(PluginClassLoader.isParentFirstClass("org.slf4j.Logger")).isTrue();
    assertThat(PluginClassLoader.isParentFirstClass("java.lang.String")).isTrue();
    assertThat(PluginClassLoader.isParentFirstClass("com.acme.lib.Version")).isFalse();
    assertThat(PluginClassLoader.isParentFirstClass("org.apache.kafka.Foo")).isFalse();
    assertThat(PluginClassLoader.isParentFirstResource("dev/sluice/spi/x.properties")).isTrue();
    assertThat(PluginClassLoader.isParentFirstResource("META-INF/services/x")).isFalse();
  }

  @Test
  void keepsOnlyProvidersThePluginDefines() throws Exception {
    Path classpathJar = pluginJar("com.acme.cp.ClasspathPlugin", "classpath.jar");
    Path pluginJar = pluginJar("com.acme.own.OwnPlugin", "own.jar");
    try (URLClassLoader classpath = new URLClassLoader(new URL[] {url(classpathJar)}, API);
        PluginClassLoader plugin =
            new PluginClassLoader("own", new URL[] {url(pluginJar)}, classpath)) {
      List<SluicePlugin> modules = PluginModuleLoader.fromPlugin(plugin, "plugin jar own.jar");

      assertThat(modules).extracting(module -> module.getClass().getName())
          .containsExactly("com.acme.own.OwnPlugin");
    }
  }

  private Path versionJar(String version, String name) {
    return jars.jar()
        .java("com.acme.lib.Version", constantSource("com.acme.lib.Version", version))
        .writeTo(temp.resolve(name));
  }

  private Path pluginJar(String pluginClass, String name) {
    return jars.jar()
        .java(pluginClass, pluginSource(pluginClass, ""))
        .service(SluicePlugin.class, pluginClass)
        .writeTo(temp.resolve(name));
  }

  private static URL url(Path jar) throws IOException {
    return jar.toUri().toURL();
  }
}
