package dev.sluice.store.jdbc;

/** What the event store writes before an event is processed ({@code store.durability}). */
public enum Durability {
  /**
   * Only the idempotency key and, afterwards, the result: repeats are still answered from the
   * store, but an event accepted before a crash is not processed again on restart.
   */
  NONE,
  /**
   * The whole event before it is processed and its result after: on restart, events that were
   * accepted but never completed are processed (recovery).
   */
  LOG
}
