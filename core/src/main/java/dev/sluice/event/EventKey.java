package dev.sluice.event;

import java.util.Objects;

/**
 * What identifies an event: its {@code source} and {@code id}, as CloudEvents defines it. A
 * repeat of the same key is the same event, which is what idempotency keys on.
 */
public record EventKey(String source, String id) {
  public EventKey {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(id, "id");
  }

  @Override
  public String toString() {
    return source + "#" + id;
  }
}
