package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.config.ProcessorConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.plugin.PluginComponent;
import dev.sluice.plugin.Plugins;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sluice plugins}: what the class path and the plugins directory provide, each with the
 * jar it came from, and which processors the configuration routes each event type to.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = {"Lists the transports, sources and processors found on the class path and in"
        + " the plugins directory, each with the jar it came from, and the event types the"
        + " configuration routes to them."})
public final class PluginsCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOption config;

  PluginsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Logging.quietUnlessAsked(context.environment());
    SluiceConfig loaded = config.load(context);
    PrintWriter out = spec.commandLine().getOut();
    Path directory = context.baseDirectory().resolve(loaded.server().pluginsDirectory());
    try (Plugins plugins = ConfigOption.plugins(loaded, context)) {
      out.println("plugins directory: " + directory + " (" + plugins.pluginPaths().size()
          + (plugins.pluginPaths().size() == 1 ? " plugin)" : " plugins)"));
      for (PluginComponent.Kind kind : PluginComponent.Kind.values()) {
        List<PluginComponent> found = new ArrayList<>();
        for (PluginComponent c : plugins.components()) {
          if (c.kind() == kind) {
            found.add(c);
          }
        }
        found.sort(Comparator.comparing(PluginComponent::name));
        out.println();
        out.println(kind.name().toLowerCase(Locale.ROOT) + "s:");
        if (found.isEmpty()) {
          out.println("  (none)");
        }
        List<String[]> rows = new ArrayList<>();
        for (PluginComponent c : found) {
          rows.add(new String[] {c.name(), c.className(), jarOf(c, plugins, directory)});
        }
        printTable(out, rows);
      }
      out.println();
      out.println("event types (" + config.file(context) + "):");
      Map<String, List<String>> routes = routes(loaded);
      if (routes.isEmpty()) {
        out.println("  (none: no processors are configured)");
      }
      List<String[]> rows = new ArrayList<>();
      routes.forEach((type, names) -> rows.add(new String[] {type, "-> " + String.join(", ",
          names)}));
      printTable(out, rows);
    }
    out.flush();
    return 0;
  }

  /** Event type pattern to the configured processors (and the plugin processor each runs). */
  private static Map<String, List<String>> routes(SluiceConfig config) {
    Map<String, List<String>> routes = new LinkedHashMap<>();
    Map<String, ProcessorConfig> byName = new LinkedHashMap<>();
    for (ProcessorConfig pc : config.processors()) {
      byName.put(pc.name(), pc);
      for (String type : pc.types()) {
        routes.computeIfAbsent(type, t -> new ArrayList<>()).add(describe(pc));
      }
    }
    for (RouteConfig rc : config.routes()) {
      for (String type : rc.types()) {
        List<String> list = routes.computeIfAbsent(type, t -> new ArrayList<>());
        for (String name : rc.processors()) {
          ProcessorConfig pc = byName.get(name);
          String d = pc == null ? name + " (not configured)" : describe(pc);
          if (!list.contains(d)) {
            list.add(d);
          }
        }
      }
    }
    return routes;
  }

  private static String describe(ProcessorConfig pc) {
    return pc.name().equals(pc.processor()) ? pc.name()
        : pc.name() + " (processor " + pc.processor() + ")";
  }

  /** The jar (or class folder) a component's class was loaded from. */
  private static String jarOf(PluginComponent c, Plugins plugins, Path directory) {
    if (!c.origin().equals("classpath")) {
      Path origin = Path.of(c.origin());
      return origin.startsWith(directory) ? directory.getFileName().resolve(
          directory.relativize(origin)).toString() : c.origin();
    }
    try {
      ClassLoader loader = plugins.classLoaderOf(c.kind(), c.name())
          .orElse(PluginsCommand.class.getClassLoader());
      CodeSource source = Class.forName(c.className(), false, loader).getProtectionDomain()
          .getCodeSource();
      URL location = source == null ? null : source.getLocation();
      if (location == null) {
        return "class path";
      }
      Path path = Path.of(location.toURI());
      return path.toString().endsWith(".jar") ? path.getFileName().toString() : path.toString();
    } catch (ClassNotFoundException | URISyntaxException | RuntimeException | LinkageError e) {
      return "class path";
    }
  }

  private static void printTable(PrintWriter out, List<String[]> rows) {
    if (rows.isEmpty()) {
      return;
    }
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder(" ");
      for (int i = 0; i < columns; i++) {
        sb.append(' ').append(row[i]);
        if (i < columns - 1) {
          sb.append(" ".repeat(widths[i] - row[i].length() + 1));
        }
      }
      out.println(sb);
    }
  }
}
