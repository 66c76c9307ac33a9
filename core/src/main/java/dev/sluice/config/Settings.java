package dev.sluice.config;

import dev.sluice.internal.config.NodeSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A section of the configuration file handed to a plugin: a processor's {@code settings}, a
 * transport's section. Values keep their line numbers, so a problem found by the plugin is
 * reported like any other: key path, line, what was expected.
 *
 * <pre>{@code
 * double failRate = context.settings().decimal("fail-rate", 0.0);
 * Duration pause = context.settings().duration("pause", Duration.ZERO);
 * }</pre>
 *
 * <p>Typed getters return the default when the key is absent and throw a
 * {@link ConfigException} naming the key and its line when the value has the wrong type.
 * Durations are written {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or in ISO-8601
 * ({@code PT30S}). Instances are immutable.
 */
public interface Settings {

  /** An empty section at {@code path}, such as {@code transport.kafka}. */
  static Settings empty(String path) {
    return NodeSettings.empty(path);
  }

  /**
   * Settings built in code (tests, embedding): maps, lists, strings, numbers, booleans,
   * durations and secrets, with no file behind them (every line is 0).
   */
  static Settings of(Map<String, ?> values) {
    return NodeSettings.of(values);
  }

  /** The path of this section in the file, such as {@code processors[0].settings}. */
  String path();

  /** The file (or other origin) these settings come from, for {@link ConfigException}. */
  default String origin() {
    return "settings";
  }

  /** The line where this section starts, or 0 when it is absent or not from a file. */
  default int line() {
    return 0;
  }

  /** The keys present in this section, in file order. */
  Set<String> keys();

  boolean has(String key);

  Optional<String> string(String key);

  String string(String key, String defaultValue);

  int integer(String key, int defaultValue);

  long longValue(String key, long defaultValue);

  double decimal(String key, double defaultValue);

  boolean bool(String key, boolean defaultValue);

  Duration duration(String key, Duration defaultValue);

  /** A list of strings; a single scalar counts as a list of one. Empty when absent. */
  List<String> strings(String key);

  /** A secret value; masked in every dump and log. */
  Optional<Secret> secret(String key);

  /** A nested section; an empty section (with the right path) when absent. */
  Settings section(String key);

  /** A list of nested sections, such as a list of bindings. Empty when absent. */
  List<Settings> sections(String key);

  /** The line of {@code key} in the file, or 0 when it is absent or not from a file. */
  int line(String key);

  /**
   * Fails with one {@link ConfigException} listing every key of this section that is not in
   * {@code known}, each with its line and the known key it most resembles.
   */
  void requireOnly(Set<String> known);

  /** A plain copy: maps, lists and scalars (strings, numbers, booleans), secrets masked. */
  Map<String, Object> toMap();
}
