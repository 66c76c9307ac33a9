package dev.sluice.internal.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One plugin in the plugins directory: a jar directly in it, or a folder whose jars together
 * form the plugin. Each location gets its own {@link PluginClassLoader}.
 *
 * @param path the jar or folder, as resolved against the plugins directory given at start-up
 * @param jars the jars on the plugin's class path, in a deterministic order
 */
record PluginLocation(Path path, List<Path> jars) {
  PluginLocation {
    Objects.requireNonNull(path, "path");
    jars = List.copyOf(jars);
  }

  /** How components from this plugin are labelled: the path as the operator wrote it. */
  String origin() {
    return path.toString();
  }

  /** "plugin jar plugins/echo.jar" or "plugin folder plugins/kafka", for messages. */
  String describe() {
    boolean singleJar = jars.size() == 1 && jars.get(0).equals(path);
    return (singleJar ? "plugin jar " : "plugin folder ") + path;
  }
}
