package dev.sluice.cli.bench;

import dev.sluice.event.Event;
import java.util.Objects;
import java.util.UUID;

/**
 * Makes the event for each request of a load run. Every request must get a fresh event id: a
 * server that deduplicates by {@code (source, id)} would otherwise answer repeats from its store
 * and the run would measure the store, not the processing.
 *
 * <p>Called concurrently from the generator's sender threads; implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface EventFactory {

  /**
   * The event for request number {@code sequence} (0, 1, 2, ... across the whole run).
   *
   * @throws RuntimeException to abort the run; the generator reports it and stops
   */
  Event create(long sequence);

  /**
   * Copies of {@code template}, each with the id {@code <run prefix>-<sequence>}, where the run
   * prefix is random so that two runs against the same server never share an id.
   */
  static EventFactory fromTemplate(Event template) {
    Objects.requireNonNull(template, "template");
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    return sequence -> template.toBuilder().id(prefix + sequence).build();
  }
}
