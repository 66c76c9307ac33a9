package dev.sluice.config;

import java.util.Objects;

/**
 * One problem in a configuration file: the key path (such as {@code processors[1].timeout}), the
 * line (1-based; 0 when the key is absent from the file), and what is wrong and expected.
 */
public record ConfigProblem(String path, int line, String message) {
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** {@code "line 12: processors[0].timout: unknown key; did you mean 'timeout'?"}. */
  @Override
  public String toString() {
    return (line > 0 ? "line " + line + ": " : "") + (path.isEmpty() ? "" : path + ": ") + message;
  }
}
