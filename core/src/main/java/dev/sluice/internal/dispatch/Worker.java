package dev.sluice.internal.dispatch;

/**
 * A lane's worker thread. The monitor guards the hand-over between a task finishing and a
 * watchdog interrupting it, so an interrupt meant for one task never hits the next one.
 */
final class Worker implements Runnable {
  private final ProcessorLane lane;
  private final Thread thread;
  private volatile Task current;

  Worker(ProcessorLane lane, String name) {
    this.lane = lane;
    this.thread = new Thread(this, name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  /** The task being processed, or null; read without the monitor by the watchdog. */
  Task current() {
    return current;
  }

  synchronized void begin(Task task) {
    current = task;
    task.worker = this;
  }

  /** Clears the current task and any interrupt left for it. */
  synchronized void end(Task task) {
    task.worker = null;
    current = null;
    Thread.interrupted();
  }

  synchronized void interruptIfRunning(Task task) {
    if (current == task) {
      thread.interrupt();
    }
  }

  @Override
  public void run() {
    lane.workLoop(this);
  }
}
