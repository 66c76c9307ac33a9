package dev.sluice.spi;

import dev.sluice.event.Result;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What {@link EventStore#admit} decided for an event. */
public final class Admission {
  /** The three outcomes. */
  public enum Kind {
    /** First time seen: process it. */
    NEW,
    /** Seen and completed: answer with the stored result. */
    COMPLETED,
    /**
     * Seen and still being processed: elsewhere, or for the same admitter (then
     * {@link Admission#settled} tells when it settles).
     */
    IN_PROGRESS
  }

  private static final Admission NEW = new Admission(Kind.NEW, null, null);
  private static final Admission IN_PROGRESS = new Admission(Kind.IN_PROGRESS, null, null);

  private final Kind kind;
  private final Result result;
  private final CompletionStage<Result> settled;

  private Admission(Kind kind, Result result, CompletionStage<Result> settled) {
    this.kind = kind;
    this.result = result;
    this.settled = settled;
  }

  public static Admission fresh() {
    return NEW;
  }

  public static Admission inProgress() {
    return IN_PROGRESS;
  }

  public static Admission completed(Result result) {
    return new Admission(Kind.COMPLETED, Objects.requireNonNull(result, "result"), null);
  }

  /**
   * In progress for the same admitter
   * ({@link EventStore#admit(dev.sluice.event.Event, Object)}): {@code settled} completes with
   * the event's result when it completes, or with null when it is released unprocessed (then a
   * retry is admitted anew).
   */
  public static Admission inProgressHere(CompletionStage<Result> settled) {
    return new Admission(Kind.IN_PROGRESS, null, Objects.requireNonNull(settled, "settled"));
  }

  public Kind kind() {
    return kind;
  }

  /** The stored result, for {@link Kind#COMPLETED}. */
  public Optional<Result> result() {
    return Optional.ofNullable(result);
  }

  /** For {@link #inProgressHere}: the stage that completes when the event settles. */
  public Optional<CompletionStage<Result>> settled() {
    return Optional.ofNullable(settled);
  }

  @Override
  public String toString() {
    return "Admission{" + kind + (result == null ? "" : ", " + result) + "}";
  }
}
