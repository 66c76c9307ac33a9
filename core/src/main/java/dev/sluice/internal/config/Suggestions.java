package dev.sluice.internal.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and names. */
public final class Suggestions {
  private static final int MAX_DISTANCE = 2;

  private Suggestions() {}

  /**
   * The candidate {@code word} was probably meant to be: the same when case, {@code -} and
   * {@code _} are ignored, or else the closest within an edit distance of 2, less for short words
   * (where a couple of edits make any two keys look alike: {@code b} does not suggest {@code a}).
   */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    String normal = normalize(word);
    for (String candidate : candidates) {
      if (normalize(candidate).equals(normal)) {
        return Optional.of(candidate);
      }
    }
    int limit = Math.min(MAX_DISTANCE, (word.length() - 1) / 2);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(normal, normalize(candidate));
      if (d <= limit && d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code "; did you mean 'timeout'?"} or {@code "; valid keys: a, b, c"}. */
  public static String hint(String word, Collection<String> candidates, String what) {
    Optional<String> closest = closest(word, candidates);
    if (closest.isPresent()) {
      return "; did you mean '" + closest.get() + "'?";
    }
    if (candidates.isEmpty()) {
      return "; this section takes no " + what;
    }
    return "; valid " + what + ": " + String.join(", ", candidates);
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1),
            previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
