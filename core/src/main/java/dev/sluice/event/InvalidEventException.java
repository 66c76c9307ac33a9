package dev.sluice.event;

import java.util.List;

/** Thrown when an {@link Event} cannot be built: a required attribute is missing or malformed. */
public final class InvalidEventException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public InvalidEventException(List<String> problems) {
    super("invalid event: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, one sentence each, e.g. {@code "'id' is missing"}. */
  public List<String> problems() {
    return problems;
  }
}
