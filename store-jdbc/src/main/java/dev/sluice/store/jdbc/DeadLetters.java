package dev.sluice.store.jdbc;

import dev.sluice.event.Event;
import java.util.List;
import java.util.Optional;

/**
 * The administration of dead letters, behind {@code sluice dlq list|show|replay|purge}.
 *
 * <pre>{@code
 * for (StoredDeadLetter d : store.deadLetters().list(DeadLetterQuery.all().processor("billing"))) {
 *   System.out.println(d.id() + " " + d.letter().failure().errorMessage().orElse(""));
 * }
 * Event original = store.deadLetters().originalEvent(42).orElseThrow();
 * client.send(original) ...;                 // replay: the CLI re-sends it through the transport
 * store.deadLetters().delete(42);            // once the replay succeeded
 * }</pre>
 *
 * <p>Thread-safe. Every method runs one statement; a database failure throws
 * {@link StoreException}.
 */
public interface DeadLetters {

  /** One page of letters matching {@code query}, in id order. */
  List<StoredDeadLetter> list(DeadLetterQuery query);

  /** How many letters match {@code query}'s filters (its paging is ignored). */
  long count(DeadLetterQuery query);

  /** The letter with {@code id}, if it exists. */
  Optional<StoredDeadLetter> show(long id);

  /** The event as it was first received, for replay. */
  default Optional<Event> originalEvent(long id) {
    return show(id).map(d -> d.letter().event());
  }

  /** Removes one letter; false when there was none. */
  boolean delete(long id);

  /** Removes every letter matching {@code query}'s filters; answers how many. */
  int purge(DeadLetterQuery query);
}
