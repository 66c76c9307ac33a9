package dev.sluice.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The declared keys of one configuration section. Binding checks every key at once (unknown keys
 * with a "did you mean", wrong types, missing required values, failed validators) and the same
 * declarations generate the configuration reference, so the two cannot drift apart.
 *
 * <pre>{@code
 * static final ConfigKey<String> URI = ConfigKey.string("uri").required()
 *     .doc("The broker, such as amqp://guest:guest@localhost:5672/.");
 * static final ConfigKey<Integer> PREFETCH = ConfigKey.integer("prefetch").defaultValue(250)
 *     .validator(Validator.atLeast(1)).doc("Unacknowledged messages the broker may push.");
 * static final ConfigDef DEF = ConfigDef.section("transport.rabbitmq",
 *     "The RabbitMQ transport.").define(URI).define(PREFETCH);
 *
 * ConfigValues values = DEF.bind(context.settings()); // one ConfigException with every problem
 * int prefetch = values.get(PREFETCH);
 * }</pre>
 *
 * <p>Instances are immutable; {@link #define} returns a new definition.
 */
public final class ConfigDef {
  private final String section;
  private final String documentation;
  private final Map<String, ConfigKey<?>> keys;
  private final String otherKeys;

  private ConfigDef(String section, String documentation, Map<String, ConfigKey<?>> keys,
      String otherKeys) {
    this.section = section;
    this.documentation = documentation;
    this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    this.otherKeys = otherKeys;
  }

  /**
   * An empty definition of the section at {@code section} (such as {@code transport.netty}, or
   * {@code processors[]} for each entry of a list), described by {@code documentation}.
   */
  public static ConfigDef section(String section, String documentation) {
    return new ConfigDef(Objects.requireNonNull(section, "section"),
        Objects.requireNonNull(documentation, "documentation"), Map.of(), null);
  }

  /** Adds a key. */
  public ConfigDef define(ConfigKey<?> key) {
    if (keys.containsKey(key.name())) {
      throw new IllegalArgumentException(key.name() + " is already defined in " + section);
    }
    Map<String, ConfigKey<?>> all = new LinkedHashMap<>(keys);
    all.put(key.name(), key);
    return new ConfigDef(section, documentation, all, otherKeys);
  }

  /**
   * Accepts keys beyond the declared ones (their owner checks them), described for the reference
   * by {@code documentation}. Without this, an undeclared key is a problem.
   */
  public ConfigDef allowOtherKeys(String documentation) {
    return new ConfigDef(section, this.documentation, keys,
        Objects.requireNonNull(documentation, "documentation"));
  }

  public String section() {
    return section;
  }

  public String documentation() {
    return documentation;
  }

  public List<ConfigKey<?>> keys() {
    return List.copyOf(keys.values());
  }

  /** Whether {@code key} itself is declared here; cheap enough for every read of a value. */
  public boolean declares(ConfigKey<?> key) {
    return keys.get(key.name()) == key;
  }

  /** How undeclared keys are described, when they are allowed. */
  public Optional<String> otherKeys() {
    return Optional.ofNullable(otherKeys);
  }

  /**
   * Binds {@code settings}, throwing one {@link ConfigException} with every problem found.
   */
  public ConfigValues bind(Settings settings) {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues values = bind(settings, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(settings.origin(), problems);
    }
    return values;
  }

  /**
   * Binds {@code settings}, adding every problem found to {@code problems}; a key with a problem
   * gets its default (or null). For a loader that collects the problems of many sections.
   */
  public ConfigValues bind(Settings settings, List<ConfigProblem> problems) {
    if (otherKeys == null) {
      try {
        settings.requireOnly(new LinkedHashSet<>(keys.keySet()));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> key : keys.values()) {
      bindKey(settings, key, values, problems);
    }
    return new ConfigValues(this, settings, values);
  }

  private static <T> void bindKey(Settings settings, ConfigKey<T> key, Map<String, Object> values,
      List<ConfigProblem> problems) {
    String path = settings.path().isEmpty() ? key.name() : settings.path() + "." + key.name();
    if (!settings.has(key.name())) {
      if (key.isRequired()) {
        int line = settings.line(key.name());
        problems.add(new ConfigProblem(path, line > 0 ? line : settings.line(),
            "missing required value (" + key.type() + ")"
                + (key.documentation().isEmpty() ? "" : ": " + key.documentation())));
        return;
      }
      if (!key.readsWhenAbsent()) {
        return;
      }
    }
    T value;
    try {
      value = key.read(settings);
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return;
    }
    boolean valid = true;
    for (Validator<? super T> validator : key.validators()) {
      Optional<String> problem = validator.check(value);
      if (problem.isPresent()) {
        problems.add(new ConfigProblem(path, settings.line(key.name()), problem.get()));
        valid = false;
      }
    }
    if (valid) {
      values.put(key.name(), value);
    }
  }

  /** This section as Markdown for the reference: a heading, its documentation, a table. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("## `").append(section).append("`\n\n").append(documentation).append("\n\n");
    sb.append("| Key | Type | Default | Description |\n");
    sb.append("|-----|------|---------|-------------|\n");
    for (ConfigKey<?> key : keys.values()) {
      String def = key.defaultText();
      StringBuilder description = new StringBuilder(key.documentation());
      if (key.isRequired()) {
        description.append(" Required.");
      }
      for (Validator<?> v : key.validators()) {
        String d = v.description();
        description.append(' ').append(Character.toUpperCase(d.charAt(0)))
            .append(d.substring(1)).append('.');
      }
      sb.append("| `").append(key.name()).append("` | ").append(cell(key.type())).append(" | ")
          .append(def.isEmpty() ? "" : "`" + def + "`").append(" | ")
          .append(cell(description.toString().trim())).append(" |\n");
    }
    if (otherKeys != null) {
      sb.append("| *any other* | map | | ").append(cell(otherKeys)).append(" |\n");
    }
    return sb.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  @Override
  public String toString() {
    return section + keys.keySet();
  }
}
