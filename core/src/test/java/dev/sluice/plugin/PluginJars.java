package dev.sluice.plugin;

import com.google.inject.AbstractModule;
import dev.sluice.spi.SluicePlugin;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.slf4j.Logger;

/**
 * Builds plugin jars for tests: compiles Java sources with the JDK's compiler against the Sluice
 * API on the test class path, and writes them with services files into a jar.
 *
 * <pre>{@code
 * PluginJars jars = new PluginJars(workDir);
 * jars.jar()
 *     .java("com.acme.EchoPlugin", "package com.acme; public final class EchoPlugin ...")
 *     .service(SluicePlugin.class, "com.acme.EchoPlugin")
 *     .writeTo(pluginsDir.resolve("echo.jar"));
 * }</pre>
 */
public final class PluginJars {
  /** One class from each jar a plugin's sources may need: the API and what it exposes. */
  private static final List<Class<?>> API_CLASSES = List.of(SluicePlugin.class,
      AbstractModule.class, jakarta.inject.Provider.class, com.google.common.base.Optional.class,
      Logger.class, MeterRegistry.class);

  private final Path workDir;
  private int builds;

  /** @param workDir scratch space for sources and classes; not the plugins directory */
  public PluginJars(Path workDir) {
    this.workDir = workDir;
  }

  public JarBuilder jar() {
    return new JarBuilder(workDir.resolve("build-" + ++builds));
  }

  /** The source of a {@code SluicePlugin} whose {@code configure()} runs {@code body}. */
  public static String pluginSource(String className, String body) {
    return """
        package %s;

        public final class %s extends dev.sluice.spi.SluicePlugin {
          @Override
          protected void configure() {
            %s
          }
        }
        """.formatted(packageOf(className), simpleNameOf(className), body);
  }

  /** The source of a processor whose result's data is the string {@code dataExpression}. */
  public static String processorSource(String className, String dataExpression) {
    return """
        package %s;

        import dev.sluice.event.Event;
        import dev.sluice.event.Result;
        import dev.sluice.spi.EventProcessor;
        import dev.sluice.spi.ProcessorContext;

        public final class %s implements EventProcessor {
          @Override
          public Result process(Event event, ProcessorContext context) {
            return Result.ok(event.id(), String.valueOf(%s), "text/plain");
          }
        }
        """.formatted(packageOf(className), simpleNameOf(className), dataExpression);
  }

  /** The source of a class with {@code public static String get()} returning {@code value}. */
  public static String constantSource(String className, String value) {
    return """
        package %s;

        public final class %s {
          public static String get() {
            return "%s";
          }
        }
        """.formatted(packageOf(className), simpleNameOf(className), value);
  }

  private static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  private static String simpleNameOf(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /** The sources and files of one jar. */
  public static final class JarBuilder {
    private final Path buildDir;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();
    private final List<Path> classpath = new ArrayList<>();

    private JarBuilder(Path buildDir) {
      this.buildDir = buildDir;
    }

    /** A class to compile, by its fully qualified name. */
    public JarBuilder java(String className, String source) {
      sources.put(className, source);
      return this;
    }

    /** A provider line in {@code META-INF/services/<service>}. */
    public JarBuilder service(Class<?> service, String... providers) {
      services.computeIfAbsent(service.getName(), name -> new ArrayList<>())
          .addAll(List.of(providers));
      return this;
    }

    /** A copy of {@code type}'s class file from the test class path, at the same path. */
    public JarBuilder copyOf(Class<?> type) {
      String path = type.getName().replace('.', '/') + ".class";
      try (InputStream in = type.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("no class file for " + type.getName());
        }
        files.put(path, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** A jar the sources compile against, besides the Sluice API; it is not put in this jar. */
    public JarBuilder classpath(Path jar) {
      classpath.add(jar);
      return this;
    }

    /** Compiles the sources and writes the jar, creating its folder. */
    public Path writeTo(Path jarFile) {
      try {
        Path classes = Files.createDirectories(buildDir.resolve("classes"));
        if (!sources.isEmpty()) {
          compile(classes);
        }
        Files.createDirectories(jarFile.toAbsolutePath().getParent());
        writeJar(classes, jarFile);
        return jarFile;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void compile(Path classes) throws IOException {
      Path sourceDir = Files.createDirectories(buildDir.resolve("src"));
      List<Path> sourceFiles = new ArrayList<>();
      for (Map.Entry<String, String> source : sources.entrySet()) {
        Path file = sourceDir.resolve(source.getKey().replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getValue());
        sourceFiles.add(file);
      }
      JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
      if (compiler == null) {
        throw new IllegalStateException("the tests need a JDK, not a JRE: no Java compiler");
      }
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      try (StandardJavaFileManager files =
          compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
        List<String> options = List.of("--release", "17", "-d", classes.toString(),
            "-classpath", classpath());
        boolean compiled = compiler.getTask(null, files, diagnostics, options, null,
            files.getJavaFileObjectsFromPaths(sourceFiles)).call();
        if (!compiled) {
          throw new IllegalStateException("test sources do not compile: "
              + diagnostics.getDiagnostics());
        }
      }
    }

    private String classpath() {
      Stream<Path> api = API_CLASSES.stream().map(JarBuilder::locationOf);
      return Stream.concat(api, classpath.stream())
          .map(Path::toString)
          .distinct()
          .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static Path locationOf(Class<?> type) {
      try {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }

    private void writeJar(Path classes, Path jarFile) throws IOException {
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      try (OutputStream out = Files.newOutputStream(jarFile);
          JarOutputStream jar = new JarOutputStream(out, manifest);
          Stream<Path> compiled = Files.walk(classes)) {
        for (Path file : compiled.filter(Files::isRegularFile).sorted().toList()) {
          put(jar, classes.relativize(file).toString().replace('\\', '/'),
              Files.readAllBytes(file));
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
          put(jar, file.getKey(), file.getValue());
        }
        for (Map.Entry<String, List<String>> service : services.entrySet()) {
          put(jar, "META-INF/services/" + service.getKey(),
              (String.join("\n", service.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    }

    private static void put(JarOutputStream jar, String name, byte[] content) throws IOException {
      jar.putNextEntry(new JarEntry(name));
      jar.write(content);
      jar.closeEntry();
    }
  }
}
