package dev.sluice.config;

/** Which thread runs a processor's events. */
public enum Execution {
  /** The processor's own worker threads, fed by its queue; blocking is allowed. */
  WORKERS,
  /**
   * The thread that delivered the event (a transport's I/O thread), with no queue and no hand-off
   * to another thread; for processors that never block. Retries and dead letters still run on
   * the processor's workers.
   */
  INLINE
}
