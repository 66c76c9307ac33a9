package dev.sluice.config;

import java.util.List;

/**
 * The configuration is invalid. Carries every problem found, not only the first; the message
 * lists them one per line after the file's name.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String origin;
  private final transient List<ConfigProblem> problems;

  public ConfigException(String origin, List<ConfigProblem> problems) {
    super(format(origin, problems));
    this.origin = origin;
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String origin, ConfigProblem problem) {
    this(origin, List.of(problem));
  }

  /** The file (or other origin) the problems are in. */
  public String origin() {
    return origin;
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String format(String origin, List<ConfigProblem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(origin).append(": ").append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems");
    for (ConfigProblem p : problems) {
      sb.append(System.lineSeparator()).append("  ").append(p);
    }
    return sb.toString();
  }
}
