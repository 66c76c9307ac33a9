package dev.sluice.security.internal.guard;

import java.util.Optional;

/**
 * An event type pattern: an exact type ({@code orders.created}), a prefix ({@code orders.*},
 * which matches {@code orders.created} and {@code orders.eu.created} but not {@code orders}),
 * or {@code *} for every type. Matching is a string comparison, linear in the type's length.
 */
public record TypePattern(String text) {

  /** Parses {@code text}, or says what is wrong with it. */
  public static Optional<String> problem(String text) {
    if (text.equals("*")) {
      return Optional.empty();
    }
    String body = text.endsWith(".*") ? text.substring(0, text.length() - 2) : text;
    if (!EventTypes.isWellFormed(body)) {
      return Optional.of("'" + text + "' is not a valid event type pattern: expected an exact"
          + " type such as 'orders.created', a prefix such as 'orders.*', or '*'");
    }
    return Optional.empty();
  }

  public static TypePattern of(String text) {
    problem(text).ifPresent(p -> {
      throw new IllegalArgumentException(p);
    });
    return new TypePattern(text);
  }

  public boolean matches(String type) {
    if (text.equals("*")) {
      return true;
    }
    if (text.endsWith(".*")) {
      // "orders.*": the type starts with "orders." and has something after it
      return type.length() > text.length() - 1 && type.startsWith(text.substring(0,
          text.length() - 1));
    }
    return text.equals(type);
  }

  @Override
  public String toString() {
    return text;
  }
}
