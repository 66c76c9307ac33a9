package dev.sluice.plugin;

import static dev.sluice.plugin.PluginJars.constantSource;
import static dev.sluice.plugin.PluginJars.pluginSource;
import static dev.sluice.plugin.PluginJars.processorSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.plugin.PluginComponent.Kind;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.SluicePlugin;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsTest {
  private static final Event EVENT =
      Event.builder().id("1").source("/test").type("test.run").build();

  @TempDir Path temp;
  private Path pluginsDir;
  private PluginJars jars;

  @BeforeEach
  void setUp() throws IOException {
    pluginsDir = Files.createDirectory(temp.resolve("plugins"));
    jars = new PluginJars(Files.createDirectory(temp.resolve("work")));
  }

  @Test
  void isolatesConflictingLibraryVersionsInFolderPlugins() throws Exception {
    writeVersionPlugin("a", "1");
    writeVersionPlugin("b", "2");

    try (Plugins plugins = Plugins.load(pluginsDir)) {
      assertThat(plugins.pluginPaths())
          .containsExactly(pluginsDir.resolve("a"), pluginsDir.resolve("b"));
      assertThat(process(plugins, "a")).isEqualTo("1");
      assertThat(process(plugins, "b")).isEqualTo("2");
    }
  }

  @Test
  void loadsSingleJarPluginCarryingItsLibrary() throws Exception {
    jars.jar()
        .java("com.acme.lib.Version", constantSource("com.acme.lib.Version", "3"))
        .java("com.acme.fat.FatProcessor",
            processorSource("com.acme.fat.FatProcessor", "com.acme.lib.Version.get()"))
        .java("com.acme.fat.FatPlugin",
            pluginSource("com.acme.fat.FatPlugin", "processor(\"fat\", FatProcessor.class);"))
        .service(SluicePlugin.class, "com.acme.fat.FatPlugin")
        .writeTo(pluginsDir.resolve("fat.jar"));

    try (Plugins plugins = Plugins.load(pluginsDir)) {
      assertThat(plugins.pluginPaths()).containsExactly(pluginsDir.resolve("fat.jar"));
      assertThat(process(plugins, "fat")).isEqualTo("3");
    }
  }

  @Test
  void folderPluginIncludesJarsInSubFolders() throws Exception {
    Path lib = jars.jar()
        .java("com.acme.lib.Version", constantSource("com.acme.lib.Version", "nested"))
        .writeTo(pluginsDir.resolve("n/lib/acme-lib.jar"));
    jars.jar()
        .classpath(lib)
        .java("com.acme.n.NProcessor",
            processorSource("com.acme.n.NProcessor", "com.acme.lib.Version.get()"))
        .java("com.acme.n.NPlugin",
            pluginSource("com.acme.n.NPlugin", "processor(\"n\", NProcessor.class);"))
        .service(SluicePlugin.class, "com.acme.n.NPlugin")
        .writeTo(pluginsDir.resolve("n/n.jar"));

    try (Plugins plugins = Plugins.load(pluginsDir)) {
      assertThat(process(plugins, "n")).isEqualTo("nested");
    }
  }

  @Test
  void rejectsNameBoundByTwoJars() {
    writeEchoPlugin("a.jar", "com.acme.a", "echo");
    writeEchoPlugin("b.jar", "com.acme.b", "echo");

    assertThatThrownBy(() -> Plugins.load(pluginsDir))
        .isInstanceOf(PluginLoadException.class)
        .hasMessage("processor 'echo' is bound by both " + pluginsDir.resolve("a.jar") + " and "
            + pluginsDir.resolve("b.jar") + "; remove one of them or rename the binding");
  }

  @Test
  void rejectsServicesFileNamingMissingClass() {
    jars.jar()
        .service(SluicePlugin.class, "com.acme.Missing")
        .writeTo(pluginsDir.resolve("bad.jar"));

    assertThatThrownBy(() -> Plugins.load(pluginsDir))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("plugin jar " + pluginsDir.resolve("bad.jar"))
        .hasMessageContaining("com.acme.Missing")
        .hasMessageContaining("check that the file names a public class")
        .hasCauseInstanceOf(ServiceConfigurationError.class);
  }

  @Test
  void rejectsPluginClassThatCannotBeInstantiated() {
    jars.jar()
        .java("com.acme.NoDefault", """
            package com.acme;
            public final class NoDefault extends dev.sluice.spi.SluicePlugin {
              public NoDefault(String name) {}
              @Override protected void configure() {}
            }
            """)
        .service(SluicePlugin.class, "com.acme.NoDefault")
        .writeTo(pluginsDir.resolve("nodefault.jar"));

    assertThatThrownBy(() -> Plugins.load(pluginsDir))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining(pluginsDir.resolve("nodefault.jar").toString())
        .hasMessageContaining("com.acme.NoDefault");
  }

  @Test
  void reportsGuiceErrorsNamingTheJar() {
    jars.jar()
        .java("com.acme.g.NeedsRunnable", """
            package com.acme.g;
            import dev.sluice.event.*;
            import dev.sluice.spi.*;
            public final class NeedsRunnable implements EventProcessor {
              @jakarta.inject.Inject public NeedsRunnable(Runnable task) {}
              @Override public Result process(Event event, ProcessorContext context) {
                return Result.ok(event.id());
              }
            }
            """)
        .java("com.acme.g.GPlugin",
            pluginSource("com.acme.g.GPlugin", "processor(\"g\", NeedsRunnable.class);"))
        .service(SluicePlugin.class, "com.acme.g.GPlugin")
        .writeTo(pluginsDir.resolve("g.jar"));

    assertThatThrownBy(() -> Plugins.load(pluginsDir))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("plugin jar " + pluginsDir.resolve("g.jar"))
        .hasMessageContaining("com.acme.g.GPlugin")
        .hasMessageContaining("Runnable")
        .hasMessageEndingWith("fix the plugin's bindings")
        .hasCauseInstanceOf(com.google.inject.CreationException.class);
  }

  @Test
  void rejectsUnreadableJar() throws IOException {
    Files.writeString(pluginsDir.resolve("broken.jar"), "not a zip");

    assertThatThrownBy(() -> Plugins.load(pluginsDir))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("cannot read jar " + pluginsDir.resolve("broken.jar"))
        .hasMessageContaining("replace it with a valid jar or remove it")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void reportsEveryBrokenPluginAtOnce() throws IOException {
    Files.writeString(pluginsDir.resolve("broken.jar"), "not a zip");
    jars.jar()
        .service(SluicePlugin.class, "com.acme.Missing")
        .writeTo(pluginsDir.resolve("missing.jar"));

    assertThatThrownBy(() -> Plugins.load(pluginsDir))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageStartingWith("2 plugin problems:")
        .hasMessageContaining("broken.jar")
        .hasMessageContaining("com.acme.Missing")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
  }

  @Test
  void usesTheServersApiClassesWhenPluginBundlesItsOwnCopy() throws Exception {
    // the plugin lives under dev.sluice: parent-first, but the parent lacks it
    jars.jar()
        .copyOf(EventProcessor.class)
        .copyOf(SluicePlugin.class)
        .java("dev.sluice.examples.bundled.BundledProcessor",
            processorSource("dev.sluice.examples.bundled.BundledProcessor", "\"bundled\""))
        .java("dev.sluice.examples.bundled.BundledPlugin",
            pluginSource("dev.sluice.examples.bundled.BundledPlugin",
                "processor(\"bundled\", BundledProcessor.class);"))
        .service(SluicePlugin.class, "dev.sluice.examples.bundled.BundledPlugin")
        .writeTo(pluginsDir.resolve("bundled.jar"));

    try (Plugins plugins = Plugins.load(pluginsDir)) {
      ClassLoader loader = plugins.classLoaderOf(Kind.PROCESSOR, "bundled").orElseThrow();
      assertThat(loader.loadClass(EventProcessor.class.getName())).isSameAs(EventProcessor.class);
      assertThat(plugins.newProcessor("bundled").orElseThrow().getClass().getClassLoader())
          .isSameAs(loader);
      assertThat(process(plugins, "bundled")).isEqualTo("bundled");
    }
  }

  @Test
  void listsComponentsWithKindNameClassAndOrigin() {
    Path jar = jars.jar()
        .java("com.acme.all.AllProcessor", processorSource("com.acme.all.AllProcessor", "1"))
        .java("com.acme.all.AllTransport", """
            package com.acme.all;
            import dev.sluice.spi.*;
            public final class AllTransport implements Transport {
              @Override public EventSource createSource(TransportContext context) { return null; }
              @Override public EventClient createClient(TransportContext context) { return null; }
            }
            """)
        .java("com.acme.all.AllSources", """
            package com.acme.all;
            import dev.sluice.spi.*;
            public final class AllSources implements EventSourceFactory {
              @Override public EventSource create(TransportContext context) { return null; }
            }
            """)
        .java("com.acme.all.AllPlugin", pluginSource("com.acme.all.AllPlugin", """
            processor("all-p", AllProcessor.class);
            transport("all-t", AllTransport.class);
            source("all-s", AllSources.class);"""))
        .service(SluicePlugin.class, "com.acme.all.AllPlugin")
        .writeTo(pluginsDir.resolve("all.jar"));
    String origin = jar.toString();

    try (Plugins plugins = Plugins.load(pluginsDir)) {
      assertThat(plugins.components())
          .filteredOn(component -> component.origin().equals(origin))
          .containsExactly(
              new PluginComponent(Kind.PROCESSOR, "all-p", "com.acme.all.AllProcessor", origin),
              new PluginComponent(Kind.TRANSPORT, "all-t", "com.acme.all.AllTransport", origin),
              new PluginComponent(Kind.SOURCE, "all-s", "com.acme.all.AllSources", origin));
      assertThat(plugins.processorNames()).contains("all-p");
      assertThat(plugins.transportNames()).contains("all-t");
      assertThat(plugins.sourceNames()).contains("all-s");
      assertThat(plugins.transport("all-t")).get()
          .extracting(transport -> transport.getClass().getName())
          .isEqualTo("com.acme.all.AllTransport");
      assertThat(plugins.source("all-s")).isPresent();
      assertThat(plugins.newProcessor("no-such-processor")).isEmpty();
    }
  }

  @Test
  void newProcessorReturnsDistinctInstances() {
    writeEchoPlugin("echo.jar", "com.acme.echo", "echo");

    try (Plugins plugins = Plugins.load(pluginsDir)) {
      EventProcessor first = plugins.newProcessor("echo").orElseThrow();
      EventProcessor second = plugins.newProcessor("echo").orElseThrow();
      assertThat(first).isNotSameAs(second);
      assertThat(first.getClass()).isSameAs(second.getClass());
    }
  }

  @Test
  void constructsProcessorWithItsPluginsContextClassLoader() throws Exception {
    jars.jar()
        .java("com.acme.t.TcclProcessor", """
            package com.acme.t;
            import dev.sluice.event.*;
            import dev.sluice.spi.*;
            public final class TcclProcessor implements EventProcessor {
              private final ClassLoader atConstruction =
                  Thread.currentThread().getContextClassLoader();
              @Override public Result process(Event event, ProcessorContext context) {
                return Result.ok(event.id(),
                    String.valueOf(atConstruction == getClass().getClassLoader()), "text/plain");
              }
            }
            """)
        .java("com.acme.t.TPlugin",
            pluginSource("com.acme.t.TPlugin", "processor(\"tccl\", TcclProcessor.class);"))
        .service(SluicePlugin.class, "com.acme.t.TPlugin")
        .writeTo(pluginsDir.resolve("t.jar"));
    ClassLoader before = Thread.currentThread().getContextClassLoader();

    try (Plugins plugins = Plugins.load(pluginsDir)) {
      assertThat(process(plugins, "tccl")).isEqualTo("true");
      assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }
  }

  @Test
  void findsPluginsOnTheContextClassPath() throws Exception {
    Path jar = jars.jar()
        .java("com.acme.cp.CpProcessor", processorSource("com.acme.cp.CpProcessor", "\"cp\""))
        .java("com.acme.cp.CpPlugin",
            pluginSource("com.acme.cp.CpPlugin", "processor(\"from-classpath\", CpProcessor.class);"))
        .service(SluicePlugin.class, "com.acme.cp.CpPlugin")
        .writeTo(temp.resolve("classpath/cp.jar"));
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader classpath =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, SluicePlugin.class.getClassLoader())) {
      thread.setContextClassLoader(classpath);
      try (Plugins plugins = Plugins.fromClasspath()) {
        assertThat(plugins.components()).contains(new PluginComponent(Kind.PROCESSOR,
            "from-classpath", "com.acme.cp.CpProcessor", "classpath"));
        assertThat(plugins.classLoaderOf(Kind.PROCESSOR, "from-classpath")).contains(classpath);
        assertThat(plugins.pluginPaths()).isEmpty();
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void missingDirectoryHoldsNoPlugins() {
    try (Plugins plugins = Plugins.load(temp.resolve("absent"))) {
      assertThat(plugins.pluginPaths()).isEmpty();
    }
  }

  @Test
  void rejectsPluginsPathThatIsAFile() throws IOException {
    Path file = Files.writeString(temp.resolve("plugins.txt"), "");

    assertThatThrownBy(() -> Plugins.load(file))
        .isInstanceOf(PluginLoadException.class)
        .hasMessageContaining("plugins directory " + file + " is not a directory");
  }

  @Test
  void ignoresFilesThatAreNotJarsAndEmptyFolders() throws IOException {
    Files.writeString(pluginsDir.resolve("README.txt"), "not a plugin");
    Files.createDirectory(pluginsDir.resolve("empty"));

    try (Plugins plugins = Plugins.load(pluginsDir)) {
      assertThat(plugins.pluginPaths()).isEmpty();
    }
  }

  @Test
  void embeddedPluginsHaveEmbeddedOrigin() throws Exception {
    try (Plugins plugins = Plugins.of(new EchoPlugin("one"), new EchoPlugin("two"))) {
      assertThat(plugins.components().stream().filter(c -> c.kind() == Kind.PROCESSOR))
          .containsExactly(
          new PluginComponent(Kind.PROCESSOR, "one", EchoProcessor.class.getName(), "embedded"),
          new PluginComponent(Kind.PROCESSOR, "two", EchoProcessor.class.getName(), "embedded"));
      assertThat(plugins.newProcessor("one").orElseThrow().process(EVENT,
          new TestProcessorContext("one")).eventId()).isEqualTo("1");
      assertThat(plugins.pluginPaths()).isEmpty();
    }
  }

  @Test
  void rejectsNameBoundByTwoEmbeddedPlugins() {
    assertThatThrownBy(() -> Plugins.of(new EchoPlugin("one"), new EchoPlugin("one")))
        .isInstanceOf(PluginLoadException.class)
        .hasMessage("processor 'one' is bound by both embedded (" + EchoPlugin.class.getName()
            + ") and embedded (" + EchoPlugin.class.getName()
            + "); remove one of them or rename the binding");
  }

  @Test
  void closedPluginsRefuseUse() {
    Plugins plugins = Plugins.of(new EchoPlugin("one"));
    plugins.close();
    plugins.close();

    assertThatThrownBy(() -> plugins.newProcessor("one"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the plugins have been closed");
  }

  private void writeVersionPlugin(String name, String version) {
    Path folder = pluginsDir.resolve(name);
    Path lib = jars.jar()
        .java("com.acme.lib.Version", constantSource("com.acme.lib.Version", version))
        .writeTo(folder.resolve("acme-lib-" + version + ".jar"));
    String pkg = "com.acme." + name;
    jars.jar()
        .classpath(lib)
        .java(pkg + ".VersionProcessor",
            processorSource(pkg + ".VersionProcessor", "com.acme.lib.Version.get()"))
        .java(pkg + ".VersionPlugin", pluginSource(pkg + ".VersionPlugin",
            "processor(\"" + name + "\", VersionProcessor.class);"))
        .service(SluicePlugin.class, pkg + ".VersionPlugin")
        .writeTo(folder.resolve(name + ".jar"));
  }

  private void writeEchoPlugin(String jarName, String pkg, String processorName) {
    jars.jar()
        .java(pkg + ".Echo", processorSource(pkg + ".Echo", "event.dataAsString()"))
        .java(pkg + ".EchoPlugin",
            pluginSource(pkg + ".EchoPlugin", "processor(\"" + processorName + "\", Echo.class);"))
        .service(SluicePlugin.class, pkg + ".EchoPlugin")
        .writeTo(pluginsDir.resolve(jarName));
  }

  private static String process(Plugins plugins, String name) throws Exception {
    EventProcessor processor = plugins.newProcessor(name).orElseThrow();
    Result result = processor.process(EVENT, new TestProcessorContext(name));
    assertThat(result.isOk()).as("result of %s: %s", name, result).isTrue();
    return result.dataAsString();
  }

  /** An embedded plugin binding {@link EchoProcessor} under one name. */
  static final class EchoPlugin extends SluicePlugin {
    private final String name;

    EchoPlugin(String name) {
      this.name = name;
    }

    @Override
    protected void configure() {
      processor(name, EchoProcessor.class);
    }
  }

  public static final class EchoProcessor implements EventProcessor {
    @Override
    public Result process(Event event, dev.sluice.spi.ProcessorContext context) {
      return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
    }
  }
}
