package dev.sluice.internal.dispatch;

/**
 * Told when a lane's queue reaches its high-water mark and when it drains to its low one. The
 * calls come from the threads that moved the queue, so they may arrive late and out of order;
 * the listener checks the lane's level when it acts.
 */
interface PressureListener {
  void saturated(QueuePressure lane);

  void relieved(QueuePressure lane);
}
