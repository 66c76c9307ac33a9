package dev.sluice.config;

import dev.sluice.internal.config.Durations;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Checks a value already read with the right type, such as "at least 1". Declared on a
 * {@link ConfigKey}; its {@link #description()} appears in the configuration reference.
 *
 * <pre>{@code
 * ConfigKey.integer("prefetch").defaultValue(250).validator(Validator.atLeast(1))
 * }</pre>
 *
 * @param <T> the type of value it checks
 */
public interface Validator<T> {

  /**
   * Empty when {@code value} is fine; otherwise what is wrong, naming the bad value and what was
   * expected, such as {@code "expected at least 1, got 0"}.
   */
  Optional<String> check(T value);

  /** What a valid value is, for the reference: {@code "must be at least 1"}. */
  String description();

  /**
   * A validator from a test and what passes it; the problem reads {@code "expected <expected>,
   * got <value>"}.
   */
  static <T> Validator<T> of(String expected, Predicate<? super T> test) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(test, "test");
    return new Validator<>() {
      @Override
      public Optional<String> check(T value) {
        return test.test(value) ? Optional.empty()
            : Optional.of("expected " + expected + ", got " + show(value));
      }

      @Override
      public String description() {
        return "must be " + expected;
      }
    };
  }

  /** A whole number no smaller than {@code min}. */
  static Validator<Number> atLeast(long min) {
    return of("at least " + min, n -> n.longValue() >= min);
  }

  /** A duration longer than zero. */
  static Validator<Duration> positive() {
    return of("longer than 0s", d -> !d.isNegative() && !d.isZero());
  }

  /** A list with at least one entry. */
  static Validator<Collection<?>> notEmpty() {
    return of("a non-empty list", c -> !c.isEmpty());
  }

  /** A string with something other than spaces in it. */
  static Validator<String> notBlank() {
    return of("a non-empty string", s -> !s.isBlank());
  }

  /** How a value is shown in a problem: strings quoted, durations as written in the file. */
  static String show(Object value) {
    if (value instanceof String || value instanceof java.nio.file.Path) {
      return "'" + value + "'";
    }
    if (value instanceof Duration d) {
      return Durations.format(d);
    }
    if (value instanceof Collection<?> c && c.isEmpty()) {
      return "an empty list";
    }
    return String.valueOf(value);
  }
}
