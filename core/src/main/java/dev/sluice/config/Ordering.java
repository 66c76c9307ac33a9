package dev.sluice.config;

/** How a processor orders its events. */
public enum Ordering {
  /** Any order; all workers busy at once. */
  NONE,
  /** Events with the same {@code partitionkey} in arrival order; different keys in parallel. */
  PARTITION_KEY
}
