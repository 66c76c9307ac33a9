package dev.sluice.internal.dispatch;

/** Told when a lane's queue passes its high-water mark and when it drains below its low one. */
interface PressureListener {
  void saturated(ProcessorLane lane);

  void relieved(ProcessorLane lane);
}
