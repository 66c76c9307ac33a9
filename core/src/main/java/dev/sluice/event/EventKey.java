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

  // written out rather than generated: these run for every event's idempotency lookup, and
  // String caches its own hash
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof EventKey k && id.equals(k.id) && source.equals(k.source);
  }

  @Override
  public int hashCode() {
    return 31 * source.hashCode() + id.hashCode();
  }

  @Override
  public String toString() {
    return source + "#" + id;
  }
}
