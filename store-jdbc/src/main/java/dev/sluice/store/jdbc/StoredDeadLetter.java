package dev.sluice.store.jdbc;

import dev.sluice.spi.DeadLetter;
import java.util.Objects;

/** A dead letter as kept by the store, with the id that {@link DeadLetters} addresses it by. */
public record StoredDeadLetter(long id, DeadLetter letter) {
  public StoredDeadLetter {
    Objects.requireNonNull(letter, "letter");
  }
}
