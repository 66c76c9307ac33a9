package dev.sluice.internal.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves an event type to its target: an exact name wins, then the longest trailing wildcard
 * ({@code orders.eu.*} before {@code orders.*}), then {@code *}. Resolutions are cached, up to a
 * bound, since types come from the outside.
 */
final class Router {
  private static final int CACHE_LIMIT = 4096;

  private final Map<String, Target> exact;
  private final List<Map.Entry<String, Target>> prefixes;
  private final Target catchAll;
  private final Map<String, Target> cache = new ConcurrentHashMap<>();

  Router(Map<String, Target> byPattern) {
    this.exact = Map.copyOf(filter(byPattern, false));
    List<Map.Entry<String, Target>> wild = new ArrayList<>();
    Target all = null;
    for (Map.Entry<String, Target> e : byPattern.entrySet()) {
      String p = e.getKey();
      if (p.equals("*")) {
        all = e.getValue();
      } else if (p.endsWith("*")) {
        wild.add(Map.entry(p.substring(0, p.length() - 1), e.getValue()));
      }
    }
    wild.sort(Comparator.comparingInt((Map.Entry<String, Target> e) -> e.getKey().length())
        .reversed());
    this.prefixes = List.copyOf(wild);
    this.catchAll = all;
  }

  private static Map<String, Target> filter(Map<String, Target> m, boolean wildcards) {
    Map<String, Target> out = new java.util.HashMap<>();
    m.forEach((k, v) -> {
      if (k.endsWith("*") == wildcards) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** The target for {@code type}, or null when no pattern matches. */
  Target route(String type) {
    Target t = exact.get(type);
    if (t != null) {
      return t;
    }
    t = cache.get(type);
    if (t != null) {
      return t;
    }
    t = resolve(type);
    if (t != null && cache.size() < CACHE_LIMIT) {
      cache.put(type, t);
    }
    return t;
  }

  private Target resolve(String type) {
    for (Map.Entry<String, Target> e : prefixes) {
      if (type.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return catchAll;
  }
}
