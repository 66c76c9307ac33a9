package dev.sluice.internal.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration file as a tree that keeps line numbers, after {@code ${ENV}} substitution.
 * Lines are 1-based; 0 means the value did not come from a file.
 */
sealed interface ConfigNode {

  int line();

  /** What the node is, for "expected a map, got a list" messages. */
  String kind();

  /**
   * A scalar. {@code text} is null for a YAML null ({@code key:} with no value). {@code type} is
   * the YAML type it resolved to ({@code str}, {@code int}, {@code float}, {@code bool}, {@code
   * null}, or {@link #SECRET}), used only to keep numbers numbers in {@code toMap()} and to
   * mask secrets read from files.
   */
  record Scalar(String text, String type, int line) implements ConfigNode {
    /** The type of a value read from a file ({@code ${file:...}}): masked in dumps. */
    static final String SECRET = "secret";

    boolean isNull() {
      return text == null;
    }

    @Override
    public String kind() {
      return isNull() ? "nothing" : "'" + text + "'";
    }
  }

  /** A key, the line it is on, and its value. */
  record Entry(String key, int line, ConfigNode value) {}

  record Mapping(Map<String, Entry> entries, int line) implements ConfigNode {
    public Mapping {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    static Mapping empty() {
      return new Mapping(Map.of(), 0);
    }

    @Override
    public String kind() {
      return "a map";
    }
  }

  record Sequence(List<ConfigNode> items, int line) implements ConfigNode {
    public Sequence {
      items = Collections.unmodifiableList(new ArrayList<>(items));
    }

    @Override
    public String kind() {
      return "a list";
    }
  }
}
