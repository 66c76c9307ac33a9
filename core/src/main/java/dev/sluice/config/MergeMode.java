package dev.sluice.config;

/** How a fan-out route merges the results of its processors. */
public enum MergeMode {
  /** Wait for every processor; OK only if all are OK. */
  ALL,
  /** Answer with the first OK result and cancel the rest. */
  FIRST_SUCCESS
}
