package dev.sluice.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The values of one section bound by a {@link ConfigDef}: each declared key's value, or its
 * default when absent.
 */
public final class ConfigValues {
  private final ConfigDef def;
  private final Settings settings;
  private final Map<String, Object> values;

  ConfigValues(ConfigDef def, Settings settings, Map<String, Object> values) {
    this.def = def;
    this.settings = settings;
    this.values = values;
  }

  /**
   * The value of {@code key}, its default when absent, or null when it has neither (an optional
   * key without default, or a value that was reported as a problem).
   *
   * @throws IllegalArgumentException if {@code key} is not declared in this section
   */
  public <T> T get(ConfigKey<T> key) {
    Objects.requireNonNull(key, "key");
    if (!def.declares(key)) {
      throw new IllegalArgumentException(key.name() + " is not declared in " + def.section());
    }
    @SuppressWarnings("unchecked")
    T value = (T) values.get(key.name());
    return value != null ? value : key.defaultValue().orElse(null);
  }

  /** The value of an optional key, empty when absent. */
  public <T> Optional<T> find(ConfigKey<T> key) {
    return Optional.ofNullable(get(key));
  }

  /** The section these values were bound from. */
  public Settings settings() {
    return settings;
  }
}
