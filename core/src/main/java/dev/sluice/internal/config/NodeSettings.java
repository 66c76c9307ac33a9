package dev.sluice.internal.config;

import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** {@link Settings} over a section of the composed file (or of a programmatic map). */
public final class NodeSettings implements Settings {
  static final String PROGRAMMATIC = "settings";

  private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");

  private final String origin;
  private final String path;
  private final ConfigNode.Mapping node;
  private final int line;

  NodeSettings(String origin, String path, ConfigNode.Mapping node) {
    this(origin, path, node, node.line());
  }

  /** {@code line} is where the section is named, which is where a missing key belongs. */
  private NodeSettings(String origin, String path, ConfigNode.Mapping node, int line) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.path = Objects.requireNonNull(path, "path");
    this.node = Objects.requireNonNull(node, "node");
    this.line = line;
  }

  /** Backs {@link Settings#empty(String)}. */
  public static Settings empty(String path) {
    return new NodeSettings(PROGRAMMATIC, path, ConfigNode.Mapping.empty());
  }

  /** Backs {@link Settings#of(Map)}. */
  public static Settings of(Map<String, ?> values) {
    return new NodeSettings(PROGRAMMATIC, "", (ConfigNode.Mapping) fromObject(values, ""));
  }

  ConfigNode.Mapping node() {
    return node;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public int line() {
    return line;
  }

  @Override
  public Set<String> keys() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(node.entries().keySet()));
  }

  @Override
  public boolean has(String key) {
    return value(key) != null;
  }

  @Override
  public Optional<String> string(String key) {
    return Optional.ofNullable(scalar(key, "a string"));
  }

  @Override
  public String string(String key, String defaultValue) {
    return string(key).orElse(defaultValue);
  }

  @Override
  public int integer(String key, int defaultValue) {
    long value = longValue(key, defaultValue);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw problem(key, "expected a whole number between " + Integer.MIN_VALUE + " and "
          + Integer.MAX_VALUE + ", got '" + value + "'");
    }
    return (int) value;
  }

  @Override
  public long longValue(String key, long defaultValue) {
    String text = scalar(key, "a whole number");
    if (text == null) {
      return defaultValue;
    }
    String t = text.trim();
    if (INTEGER.matcher(t).matches()) {
      try {
        return Long.parseLong(t);
      } catch (NumberFormatException e) {
        throw problem(key, "expected a whole number, got '" + text + "': too large");
      }
    }
    throw problem(key, "expected a whole number, got '" + text + "'");
  }

  @Override
  public double decimal(String key, double defaultValue) {
    String text = scalar(key, "a number");
    if (text == null) {
      return defaultValue;
    }
    if (DECIMAL.matcher(text.trim()).matches()) {
      return Double.parseDouble(text.trim());
    }
    throw problem(key, "expected a number, got '" + text + "'");
  }

  @Override
  public boolean bool(String key, boolean defaultValue) {
    String text = scalar(key, "true or false");
    if (text == null) {
      return defaultValue;
    }
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw problem(key, "expected true or false, got '" + text + "'");
    }
  }

  @Override
  public Duration duration(String key, Duration defaultValue) {
    String text = scalar(key, Durations.EXPECTED);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw problem(key, e.getMessage());
    }
  }

  @Override
  public List<String> strings(String key) {
    ConfigNode value = value(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof ConfigNode.Scalar s) {
      return List.of(s.text());
    }
    if (value instanceof ConfigNode.Sequence seq) {
      List<String> out = new ArrayList<>();
      List<ConfigProblem> problems = new ArrayList<>();
      for (int i = 0; i < seq.items().size(); i++) {
        ConfigNode item = seq.items().get(i);
        if (item instanceof ConfigNode.Scalar s && !s.isNull()) {
          out.add(s.text());
        } else {
          problems.add(new ConfigProblem(childPath(key) + "[" + i + "]", item.line(),
              "expected a string, got " + item.kind()));
        }
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(origin, problems);
      }
      return List.copyOf(out);
    }
    throw problem(key, "expected a list of strings, got " + value.kind());
  }

  @Override
  public Optional<Secret> secret(String key) {
    return string(key).map(Secret::of);
  }

  @Override
  public Settings section(String key) {
    ConfigNode value = value(key);
    if (value == null) {
      return new NodeSettings(origin, childPath(key), ConfigNode.Mapping.empty(), line(key));
    }
    if (value instanceof ConfigNode.Mapping m) {
      return new NodeSettings(origin, childPath(key), m, line(key));
    }
    throw problem(key, "expected a map of settings, got " + value.kind());
  }

  @Override
  public List<Settings> sections(String key) {
    ConfigNode value = value(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof ConfigNode.Sequence seq)) {
      throw problem(key, "expected a list of maps, got " + value.kind());
    }
    List<Settings> out = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (int i = 0; i < seq.items().size(); i++) {
      ConfigNode item = seq.items().get(i);
      String itemPath = childPath(key) + "[" + i + "]";
      if (item instanceof ConfigNode.Mapping m) {
        out.add(new NodeSettings(origin, itemPath, m));
      } else {
        problems.add(new ConfigProblem(itemPath, item.line(), "expected a map, got "
            + item.kind()));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(origin, problems);
    }
    return List.copyOf(out);
  }

  @Override
  public int line(String key) {
    ConfigNode.Entry entry = node.entries().get(key);
    return entry == null ? 0 : entry.line();
  }

  @Override
  public void requireOnly(Set<String> known) {
    List<ConfigProblem> problems = unknownKeys(known);
    if (!problems.isEmpty()) {
      throw new ConfigException(origin, problems);
    }
  }

  /** A problem for each key not in {@code known}, with its line and a suggestion. */
  public List<ConfigProblem> unknownKeys(Collection<String> known) {
    if (!(known instanceof List || known instanceof LinkedHashSet
        || known instanceof java.util.SortedSet)) {
      known = new java.util.TreeSet<>(known); // Set.of has no stable order; messages should
    }
    List<ConfigProblem> problems = new ArrayList<>();
    for (ConfigNode.Entry e : node.entries().values()) {
      if (!known.contains(e.key())) {
        problems.add(new ConfigProblem(childPath(e.key()), e.line(),
            "unknown key" + Suggestions.hint(e.key(), known, "keys")));
      }
    }
    return problems;
  }

  @Override
  public Map<String, Object> toMap() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) toPlain(node, false, true);
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeSettings other
        && toPlain(node, false, false).equals(toPlain(other.node, false, false));
  }

  @Override
  public int hashCode() {
    return toPlain(node, false, false).hashCode();
  }

  @Override
  public String toString() {
    return (path.isEmpty() ? "settings" : path) + toMap();
  }

  // --- internals

  private ConfigNode value(String key) {
    ConfigNode.Entry entry = node.entries().get(key);
    if (entry == null || entry.value() instanceof ConfigNode.Scalar s && s.isNull()) {
      return null;
    }
    return entry.value();
  }

  private String scalar(String key, String expected) {
    ConfigNode value = value(key);
    if (value == null) {
      return null;
    }
    if (value instanceof ConfigNode.Scalar s) {
      return s.text();
    }
    throw problem(key, "expected " + expected + ", got " + value.kind());
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private ConfigException problem(String key, String message) {
    return new ConfigException(origin, new ConfigProblem(childPath(key), line(key), message));
  }

  /**
   * Maps, lists and scalars. With {@code typed}, numbers and booleans written plainly stay
   * numbers and booleans; with {@code mask}, secrets are hidden.
   */
  static Object toPlain(ConfigNode n, boolean hidden, boolean mask) {
    if (n instanceof ConfigNode.Mapping m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (ConfigNode.Entry e : m.entries().values()) {
        out.put(e.key(), toPlain(e.value(), hidden || mask && Masking.isSecretKey(e.key()),
            mask));
      }
      return Collections.unmodifiableMap(out);
    }
    if (n instanceof ConfigNode.Sequence s) {
      List<Object> out = new ArrayList<>();
      for (ConfigNode item : s.items()) {
        out.add(toPlain(item, hidden, mask));
      }
      return Collections.unmodifiableList(out);
    }
    ConfigNode.Scalar s = (ConfigNode.Scalar) n;
    if (s.isNull()) {
      return null;
    }
    if (!mask) {
      return s.text();
    }
    if (hidden || ConfigNode.Scalar.SECRET.equals(s.type())) {
      return Masking.HIDDEN;
    }
    return typed(s);
  }

  private static Object typed(ConfigNode.Scalar s) {
    String t = s.text().trim();
    try {
      switch (s.type()) {
        case "int":
          long l = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
          return l == (int) l ? (Object) (int) l : (Object) l;
        case "float":
          return Double.parseDouble(t);
        case "bool":
          if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
          }
          return s.text();
        default:
          return Masking.maskUrls(s.text());
      }
    } catch (NumberFormatException e) {
      // YAML 1.1 forms such as 0x1F or 1_000: keep the text as written.
      return s.text();
    }
  }

  private static ConfigNode fromObject(Object value, String path) {
    if (value == null) {
      return new ConfigNode.Scalar(null, "null", 0);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, ConfigNode.Entry> entries = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        entries.put(key, new ConfigNode.Entry(key, 0,
            fromObject(e.getValue(), path.isEmpty() ? key : path + "." + key)));
      }
      return new ConfigNode.Mapping(entries, 0);
    }
    if (value instanceof Collection<?> c) {
      List<ConfigNode> items = new ArrayList<>();
      for (Object item : c) {
        items.add(fromObject(item, path));
      }
      return new ConfigNode.Sequence(items, 0);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger) {
      return new ConfigNode.Scalar(value.toString(), "int", 0);
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      return new ConfigNode.Scalar(value.toString(), "float", 0);
    }
    if (value instanceof Boolean) {
      return new ConfigNode.Scalar(value.toString(), "bool", 0);
    }
    if (value instanceof Duration d) {
      return new ConfigNode.Scalar(Durations.format(d), "str", 0);
    }
    if (value instanceof Secret s) {
      return new ConfigNode.Scalar(s.reveal(), "str", 0);
    }
    if (value instanceof Enum<?> e) {
      return new ConfigNode.Scalar(
          e.name().toLowerCase(Locale.ROOT).replace('_', '-'), "str", 0);
    }
    if (value instanceof Settings s) {
      return fromObject(s instanceof NodeSettings ns ? toPlain(ns.node, false, false)
          : s.toMap(), path);
    }
    return new ConfigNode.Scalar(value.toString(), "str", 0);
  }
}
