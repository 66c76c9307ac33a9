package dev.sluice.plugin;

import java.util.Objects;

/**
 * Something a plugin binds: its kind, its name, the class that implements it and where it came
 * from (a jar or folder under {@code plugins/}, or {@code classpath}).
 */
public record PluginComponent(Kind kind, String name, String className, String origin) {
  /** The kinds of things a plugin binds. */
  public enum Kind {
    PROCESSOR, TRANSPORT, SOURCE
  }

  public PluginComponent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(origin, "origin");
  }
}
