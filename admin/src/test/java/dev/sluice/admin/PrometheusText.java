package dev.sluice.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be
 * a HELP, a TYPE, a comment or a well-formed sample; a family is typed at most once and before
 * its samples; samples belong to their family (histograms: {@code _bucket} with {@code le},
 * {@code _sum}, {@code _count}); histogram buckets are cumulative and end with {@code +Inf}
 * equal to {@code _count}. Any violation throws, naming the line.
 */
final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {
  }

  final Map<String, String> types = new LinkedHashMap<>();
  final List<Sample> samples = new ArrayList<>();

  static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    String[] lines = text.split("\n", -1);
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    for (int i = 0; i < lines.length - 1; i++) {
      parsed.line(i + 1, lines[i]);
    }
    parsed.checkHistograms();
    return parsed;
  }

  private void line(int number, String line) {
    if (line.isEmpty()) {
      return;
    }
    if (line.startsWith("#")) {
      String[] parts = line.split(" ", 4);
      if (parts.length >= 3 && parts[1].equals("TYPE")) {
        require(number, parts.length == 4 && NAME.matcher(parts[2]).matches()
            && TYPES.contains(parts[3]), "malformed TYPE line: " + line);
        require(number, types.put(parts[2], parts[3]) == null, "family typed twice: " + line);
        require(number, samples.stream().noneMatch(s -> family(s.name()).equals(parts[2])),
            "TYPE after samples of " + parts[2]);
      } else if (parts.length >= 3 && parts[1].equals("HELP")) {
        require(number, NAME.matcher(parts[2]).matches(), "malformed HELP line: " + line);
      }
      return;
    }
    Matcher m = NAME.matcher(line);
    require(number, m.lookingAt(), "a sample must start with a metric name: " + line);
    String name = m.group();
    int i = m.end();
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        Matcher l = LABEL.matcher(line).region(i, line.length());
        require(number, l.lookingAt(), "bad label name at column " + i + ": " + line);
        String label = l.group();
        i = l.end();
        require(number, line.startsWith("=\"", i), "expected =\" after " + label + ": " + line);
        i += 2;
        StringBuilder value = new StringBuilder();
        while (line.charAt(i) != '"') {
          char c = line.charAt(i++);
          if (c == '\\') {
            char e = line.charAt(i++);
            require(number, e == '\\' || e == '"' || e == 'n', "bad escape \\" + e);
            value.append(e == 'n' ? '\n' : e);
          } else {
            value.append(c);
          }
        }
        i++;
        require(number, labels.put(label, value.toString()) == null, "duplicate label " + label);
        if (line.charAt(i) == ',') {
          i++;
        } else {
          require(number, line.charAt(i) == '}', "expected , or } at column " + i + ": " + line);
        }
      }
      i++;
    }
    require(number, i < line.length() && line.charAt(i) == ' ', "expected a space before the"
        + " value: " + line);
    String[] rest = line.substring(i + 1).split(" ");
    require(number, rest.length == 1 || rest.length == 2, "expected a value and an optional"
        + " timestamp: " + line);
    double value = value(number, rest[0]);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("line " + number + ": bad timestamp: " + line);
      }
    }
    String family = family(name);
    if ("histogram".equals(types.get(family))) {
      require(number, !name.endsWith("_bucket") || labels.containsKey("le"),
          "a bucket needs le: " + line);
    }
    samples.add(new Sample(name, labels, value));
  }

  /** The family a sample belongs to: its own name if typed, or without a histogram suffix. */
  private String family(String name) {
    if (types.containsKey(name)) {
      return name;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count", "_created")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return name;
  }

  private static double value(int number, String text) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + number + ": bad value '" + text + "'");
        }
    }
  }

  private void checkHistograms() {
    for (Map.Entry<String, String> t : types.entrySet()) {
      if (!t.getValue().equals("histogram")) {
        continue;
      }
      Map<Map<String, String>, List<Sample>> bySeries = new HashMap<>();
      for (Sample s : samples) {
        if (s.name().equals(t.getKey() + "_bucket")) {
          Map<String, String> series = new HashMap<>(s.labels());
          series.remove("le");
          bySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
        }
      }
      bySeries.forEach((series, buckets) -> {
        double previous = 0;
        double previousLe = Double.NEGATIVE_INFINITY;
        for (Sample b : buckets) {
          double le = value(0, b.labels().get("le"));
          if (le <= previousLe || b.value() < previous) {
            throw new IllegalArgumentException("histogram " + t.getKey() + series
                + " buckets are not cumulative in order at le=" + b.labels().get("le"));
          }
          previous = b.value();
          previousLe = le;
        }
        if (previousLe != Double.POSITIVE_INFINITY) {
          throw new IllegalArgumentException("histogram " + t.getKey() + series
              + " has no +Inf bucket");
        }
        double count = find(t.getKey() + "_count", series).orElseThrow(() ->
            new IllegalArgumentException("histogram " + t.getKey() + series + " has no _count"));
        if (count != previous) {
          throw new IllegalArgumentException("histogram " + t.getKey() + series
              + ": +Inf bucket " + previous + " differs from _count " + count);
        }
      });
    }
  }

  /** The value of the sample with exactly these labels. */
  Optional<Double> find(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(Sample::value).findFirst();
  }

  /** The value of the one sample of {@code name} whose labels include {@code labels}. */
  double value(String name, Map<String, String> labels) {
    List<Sample> found = samples.stream().filter(s -> s.name().equals(name)
        && s.labels().entrySet().containsAll(labels.entrySet())).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one sample " + name + labels + ", found " + found);
    }
    return found.get(0).value();
  }

  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  private static void require(int line, boolean ok, String problem) {
    if (!ok) {
      throw new IllegalArgumentException("line " + line + ": " + problem);
    }
  }
}
