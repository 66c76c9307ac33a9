package dev.sluice.store.jdbc;

import java.time.Instant;
import java.util.Optional;

/**
 * Which dead letters to list or purge: every filter is optional, and all given must match.
 * Pages are read in id order: pass the last id of one page as {@link #afterId} for the next.
 *
 * <pre>{@code
 * DeadLetterQuery q = DeadLetterQuery.all().processor("billing").failedBefore(cutoff).limit(50);
 * }</pre>
 *
 * @param processor only letters of this processor
 * @param type only letters whose event has this type
 * @param source only letters whose event has this source
 * @param failedBefore only letters whose last failure is before this instant
 * @param afterId only letters with a larger id (paging)
 * @param limit the most letters one {@link DeadLetters#list} answers
 */
public record DeadLetterQuery(Optional<String> processor, Optional<String> type,
    Optional<String> source, Optional<Instant> failedBefore, long afterId, int limit) {
  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  public DeadLetterQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
    }
  }

  /** Every letter, 100 per page. */
  public static DeadLetterQuery all() {
    return new DeadLetterQuery(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), 0, 100);
  }

  public DeadLetterQuery processor(String name) {
    return new DeadLetterQuery(Optional.of(name), type, source, failedBefore, afterId, limit);
  }

  public DeadLetterQuery type(String eventType) {
    return new DeadLetterQuery(processor, Optional.of(eventType), source, failedBefore, afterId,
        limit);
  }

  public DeadLetterQuery source(String eventSource) {
    return new DeadLetterQuery(processor, type, Optional.of(eventSource), failedBefore, afterId,
        limit);
  }

  public DeadLetterQuery failedBefore(Instant instant) {
    return new DeadLetterQuery(processor, type, source, Optional.of(instant), afterId, limit);
  }

  public DeadLetterQuery afterId(long id) {
    return new DeadLetterQuery(processor, type, source, failedBefore, id, limit);
  }

  public DeadLetterQuery limit(int max) {
    return new DeadLetterQuery(processor, type, source, failedBefore, afterId, max);
  }
}
