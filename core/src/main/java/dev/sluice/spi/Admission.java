package dev.sluice.spi;

import dev.sluice.event.Result;
import java.util.Objects;
import java.util.Optional;

/** What {@link EventStore#admit} decided for an event. */
public final class Admission {
  /** The three outcomes. */
  public enum Kind {
    /** First time seen: process it. */
    NEW,
    /** Seen and completed: answer with the stored result. */
    COMPLETED,
    /** Seen and still being processed elsewhere. */
    IN_PROGRESS
  }

  private static final Admission NEW = new Admission(Kind.NEW, null);
  private static final Admission IN_PROGRESS = new Admission(Kind.IN_PROGRESS, null);

  private final Kind kind;
  private final Result result;

  private Admission(Kind kind, Result result) {
    this.kind = kind;
    this.result = result;
  }

  public static Admission fresh() {
    return NEW;
  }

  public static Admission inProgress() {
    return IN_PROGRESS;
  }

  public static Admission completed(Result result) {
    return new Admission(Kind.COMPLETED, Objects.requireNonNull(result, "result"));
  }

  public Kind kind() {
    return kind;
  }

  /** The stored result, for {@link Kind#COMPLETED}. */
  public Optional<Result> result() {
    return Optional.ofNullable(result);
  }

  @Override
  public String toString() {
    return "Admission{" + kind + (result == null ? "" : ", " + result) + "}";
  }
}
