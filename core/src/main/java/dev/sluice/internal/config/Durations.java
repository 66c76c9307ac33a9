package dev.sluice.internal.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints durations as written in the configuration file. */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(?:\\.\\d+)?");

  /** What a duration looks like, for messages and the reference. */
  public static final String EXPECTED =
      "a duration such as 500ms, 30s, 5m, 1h, 2d or PT30S";

  private Durations() {}

  /**
   * Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, combinations such as
   * {@code 1m30s}, or ISO-8601 ({@code PT30S}).
   *
   * @throws IllegalArgumentException with the message shown to the user
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (NUMBER.matcher(s).matches()) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text
          + "': a number needs a unit (write " + s + "s for seconds)");
    }
    if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
      try {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'", e);
      }
    }
    if (!WHOLE.matcher(s).matches()) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(s);
    try {
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text
          + "': too large", e);
    }
    return total;
  }

  /** The shortest form that {@link #parse} reads back: {@code 30s}, {@code 1m30s}, {@code 0s}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return d.toString();
    }
    if (d.isZero()) {
      return "0s";
    }
    if (d.getNano() % 1_000_000 != 0) {
      return d.toString();
    }
    StringBuilder sb = new StringBuilder();
    long days = d.toDays();
    Duration rest = d.minusDays(days);
    append(sb, days, "d");
    append(sb, rest.toHours(), "h");
    append(sb, rest.toMinutesPart(), "m");
    append(sb, rest.toSecondsPart(), "s");
    append(sb, rest.toMillisPart(), "ms");
    return sb.toString();
  }

  private static void append(StringBuilder sb, long n, String unit) {
    if (n != 0) {
      sb.append(n).append(unit);
    }
  }
}
