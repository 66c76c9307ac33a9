package dev.sluice.store.jdbc;

/** What the event store records of each event ({@code store.durability}). */
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
  LOG,
  /**
   * Nothing of the event in the database: repeats are answered from this server's memory (at
   * least the last {@value dev.sluice.store.jdbc.Durability#MEMORY_ENTRIES} results, for at most
   * {@code store.retention}), dead letters still go to the database. The fastest setting, for
   * processors that need neither recovery nor idempotency across restarts and servers.
   */
  MEMORY;

  /** How many results {@link #MEMORY} remembers at least (and at most per stripe, up to four). */
  public static final int MEMORY_ENTRIES = 100_000;
}
