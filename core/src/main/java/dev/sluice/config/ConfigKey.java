package dev.sluice.config;

import dev.sluice.internal.config.Durations;
import dev.sluice.internal.config.Suggestions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One configuration key, declared once: its name, type, default, validators and documentation.
 * A {@link ConfigDef} groups the keys of a section, binds them from {@link Settings} with
 * every problem reported at once, and prints them into the configuration reference.
 *
 * <pre>{@code
 * static final ConfigKey<Integer> PREFETCH = ConfigKey.integer("prefetch")
 *     .defaultValue(250)
 *     .validator(Validator.atLeast(1))
 *     .doc("How many unacknowledged messages the broker may push.");
 * }</pre>
 *
 * <p>Instances are immutable; each builder method returns a new key.
 *
 * @param <T> the type of the bound value
 */
public final class ConfigKey<T> {

  /** Reads a present key of a section, throwing {@link ConfigException} on a wrong type. */
  @FunctionalInterface
  private interface Reader<T> {
    T read(Settings settings, String key);
  }

  private final String name;
  private final String type;
  private final Reader<T> reader;
  private final Function<? super T, String> printer;
  private final boolean readWhenAbsent;
  private final T defaultValue;
  private final boolean required;
  private final List<Validator<? super T>> validators;
  private final String documentation;

  private ConfigKey(String name, String type, Reader<T> reader, Function<? super T, String> printer,
      boolean readWhenAbsent, T defaultValue, boolean required,
      List<Validator<? super T>> validators, String documentation) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
    this.reader = reader;
    this.printer = printer;
    this.readWhenAbsent = readWhenAbsent;
    this.defaultValue = defaultValue;
    this.required = required;
    this.validators = List.copyOf(validators);
    this.documentation = documentation;
  }

  private static <T> ConfigKey<T> of(String name, String type, Reader<T> reader,
      Function<? super T, String> printer) {
    return new ConfigKey<>(name, type, reader, printer, false, null, false, List.of(), "");
  }

  public static ConfigKey<String> string(String name) {
    return of(name, "string", (s, k) -> s.string(k).orElseThrow(), v -> v);
  }

  public static ConfigKey<Integer> integer(String name) {
    return of(name, "integer", (s, k) -> s.integer(k, 0), String::valueOf);
  }

  public static ConfigKey<Long> longValue(String name) {
    return of(name, "integer", (s, k) -> s.longValue(k, 0), String::valueOf);
  }

  public static ConfigKey<Double> decimal(String name) {
    return of(name, "number", (s, k) -> s.decimal(k, 0), String::valueOf);
  }

  public static ConfigKey<Boolean> bool(String name) {
    return of(name, "boolean", (s, k) -> s.bool(k, false), String::valueOf);
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601. */
  public static ConfigKey<Duration> duration(String name) {
    return of(name, "duration", (s, k) -> s.duration(k, Duration.ZERO), Durations::format);
  }

  /** A file system path, relative to the server's working directory unless absolute. */
  public static ConfigKey<Path> path(String name) {
    return of(name, "path", (s, k) -> {
      String text = s.string(k).orElseThrow();
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw problem(s, k, "expected a file system path, got '" + text + "': "
            + e.getReason());
      }
    }, Path::toString);
  }

  /** A password or token: masked in dumps, revealed only on request. */
  public static ConfigKey<Secret> secret(String name) {
    return of(name, "secret", (s, k) -> s.secret(k).orElseThrow(), v -> "[hidden]");
  }

  /** A list of strings; a single value counts as a list of one. */
  public static ConfigKey<List<String>> strings(String name) {
    return of(name, "list of strings", Settings::strings, v -> String.join(", ", v));
  }

  /**
   * One of the constants of {@code type}, written in lower case with dashes: {@code
   * PARTITION_KEY} is {@code partition-key}.
   */
  public static <E extends Enum<E>> ConfigKey<E> enumeration(String name, Class<E> type) {
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(spelling(e));
    }
    String list = String.join(", ", allowed);
    return of(name, "one of: " + list, (s, k) -> {
      String text = s.string(k).orElseThrow();
      String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      for (E e : type.getEnumConstants()) {
        if (spelling(e).equals(wanted)) {
          return e;
        }
      }
      String hint = Suggestions.closest(text, allowed).map(c -> "; did you mean '" + c + "'?")
          .orElse("");
      throw problem(s, k, "expected one of " + list + ", got '" + text + "'" + hint);
    }, ConfigKey::spelling);
  }

  /** A free-form map, handed over as {@link Settings}; empty (with its path) when absent. */
  public static ConfigKey<Settings> section(String name) {
    return new ConfigKey<>(name, "map", Settings::section, v -> "", true, null, false, List.of(),
        "");
  }

  /** A list of maps, each handed over as {@link Settings}; empty when absent. */
  public static ConfigKey<List<Settings>> sections(String name) {
    return new ConfigKey<>(name, "list of maps", Settings::sections, v -> "", true, null, false,
        List.of(), "");
  }

  /** The value when the key is absent. */
  public ConfigKey<T> defaultValue(T value) {
    return new ConfigKey<>(name, type, reader, printer, readWhenAbsent,
        Objects.requireNonNull(value, "value"), required, validators, documentation);
  }

  /** Absence is a problem. */
  public ConfigKey<T> required() {
    return new ConfigKey<>(name, type, reader, printer, readWhenAbsent, defaultValue, true,
        validators, documentation);
  }

  /** Adds a check of the value; every failing check is reported. */
  public ConfigKey<T> validator(Validator<? super T> validator) {
    List<Validator<? super T>> all = new ArrayList<>(validators);
    all.add(Objects.requireNonNull(validator, "validator"));
    return new ConfigKey<>(name, type, reader, printer, readWhenAbsent, defaultValue, required,
        all, documentation);
  }

  /** What the key does, for the reference: one or two sentences. */
  public ConfigKey<T> doc(String documentation) {
    return new ConfigKey<>(name, type, reader, printer, readWhenAbsent, defaultValue, required,
        validators, Objects.requireNonNull(documentation, "documentation"));
  }

  public String name() {
    return name;
  }

  /** The type as the reference names it: {@code duration}, {@code one of: all, first-success}. */
  public String type() {
    return type;
  }

  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The default as written in the file ({@code 30s}), or empty when there is none. */
  public String defaultText() {
    return defaultValue == null ? "" : printer.apply(defaultValue);
  }

  public boolean isRequired() {
    return required;
  }

  public List<Validator<? super T>> validators() {
    return validators;
  }

  public String documentation() {
    return documentation;
  }

  /** Whether an absent key is still read (sections bind to an empty section). */
  boolean readsWhenAbsent() {
    return readWhenAbsent;
  }

  /** Reads the key from {@code settings}; throws {@link ConfigException} on a wrong type. */
  T read(Settings settings) {
    return reader.read(settings, name);
  }

  /** The value as written in the file, for dumps: {@code 30s}, {@code partition-key}. */
  public String print(T value) {
    return printer.apply(value);
  }

  @Override
  public String toString() {
    return name + " (" + type + ")";
  }

  private static String spelling(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static ConfigException problem(Settings s, String key, String message) {
    String path = s.path().isEmpty() ? key : s.path() + "." + key;
    return new ConfigException(s.origin(), new ConfigProblem(path, s.line(key), message));
  }
}
