package dev.sluice.internal.dispatch;

/** What the {@link PressureController} reads of a lane: its name and where its queue is now. */
interface QueuePressure {
  String name();

  /** Whether the queue is at or above its high-water mark at this moment. */
  boolean atHighWater();

  /** Whether the queue is at or below its low-water mark at this moment. */
  boolean atLowWater();
}
