package dev.sluice.internal.plugin;

import dev.sluice.plugin.PluginLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the plugins in a plugins directory:
 *
 * <pre>
 *  plugins/
 *  ├── echo.jar             one plugin: a single (fat) jar
 *  ├── kafka/               one plugin: every jar in the folder, at any depth
 *  │   ├── sluice-kafka.jar
 *  │   └── lib/kafka-clients.jar
 *  └── README.txt           ignored: neither a jar nor a folder
 * </pre>
 *
 * <p>A folder's jars are collected recursively, so a plugin may keep its libraries in a
 * {@code lib/} sub-folder. Entries and jars are sorted by name, so the order (and which copy of
 * a class wins inside one plugin) does not depend on the file system. Hidden entries (names
 * starting with a dot) are skipped.
 */
final class PluginDirectoryScanner {
  private static final Comparator<Path> BY_NAME = Comparator.comparing(Path::toString);

  private PluginDirectoryScanner() {}

  /**
   * The plugins in {@code directory}; none when it is {@code null} or does not exist.
   *
   * @throws PluginLoadException when the path exists but is not a directory, or cannot be read
   */
  static List<PluginLocation> scan(Path directory) {
    if (directory == null || !Files.exists(directory)) {
      return List.of();
    }
    if (!Files.isDirectory(directory)) {
      throw new PluginLoadException("plugins directory " + directory + " is not a directory;"
          + " point the plugins directory at a folder holding plugin jars and folders");
    }
    List<PluginLocation> locations = new ArrayList<>();
    for (Path entry : sortedEntries(directory)) {
      if (isHidden(entry)) {
        continue;
      }
      if (Files.isDirectory(entry)) {
        locations.add(new PluginLocation(entry, jarsIn(entry)));
      } else if (isJar(entry)) {
        locations.add(new PluginLocation(entry, List.of(entry)));
      }
    }
    return locations;
  }

  private static List<Path> sortedEntries(Path directory) {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.sorted(BY_NAME).toList();
    } catch (IOException e) {
      throw new PluginLoadException("cannot list plugins directory " + directory + ": " + e
          + "; check that it exists and is readable", e);
    }
  }

  private static List<Path> jarsIn(Path folder) {
    // follows links, so a folder may link to jars kept elsewhere
    try (Stream<Path> files = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
      return files
          .filter(PluginDirectoryScanner::isJar)
          .filter(file -> !isHiddenBelow(folder, file))
          .sorted(BY_NAME)
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new PluginLoadException("cannot list plugin folder " + folder + ": " + e
          + "; check that it and its sub-folders are readable", e);
    }
  }

  private static boolean isJar(Path file) {
    return file.getFileName().toString().endsWith(".jar") && Files.isRegularFile(file);
  }

  private static boolean isHidden(Path entry) {
    return entry.getFileName().toString().startsWith(".");
  }

  private static boolean isHiddenBelow(Path folder, Path file) {
    for (Path part : folder.relativize(file)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
