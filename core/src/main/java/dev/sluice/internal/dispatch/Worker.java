package dev.sluice.internal.dispatch;

import dev.sluice.internal.logging.EventThread;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lane's worker thread, and which task it is processing.
 *
 * <p>An interrupt meant for one task must never hit the next one. The hand-over is lock-free:
 * the worker publishes its task with one release store in {@link #begin} and takes it back with
 * one compare-and-set in {@link #end}; an interrupter swaps the task for {@link #INTERRUPTING}
 * with a compare-and-set, interrupts, and puts the task back. The worker's {@code end} waits out
 * that short window, then clears the interrupt, so the interrupt is delivered while this task's
 * processor runs or not at all.
 *
 * <p>It also counts the results it answers itself and their processing time, in
 * {@link OwnedCounts} that only its own thread writes: the lane's meters add them up when they
 * are read. The time is counted per run of events, not per event (see
 * {@link ProcessorLane#workLoop}).
 */
final class Worker implements Runnable {
  /** Stands in for the current task while an interrupter is interrupting the thread. */
  private static final Task INTERRUPTING = new Task(null, null, 0);
  private static final VarHandle CURRENT;

  static {
    try {
      CURRENT = MethodHandles.lookup().findVarHandle(Worker.class, "current", Task.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ProcessorLane lane;
  private final EventThread thread;
  private final TaskBatch batch = new TaskBatch();
  @SuppressWarnings("unused") // accessed through CURRENT
  private volatile Task current;
  /** Results this worker answered and their time; written only by the worker thread. */
  private final OwnedCounts counts = new OwnedCounts();

  Worker(ProcessorLane lane, String name) {
    this.lane = lane;
    this.thread = new EventThread(this, name);
  }

  void start() {
    thread.start();
  }

  EventThread thread() {
    return thread;
  }

  /** The tasks this worker took from the queue and has not begun yet. */
  TaskBatch batch() {
    return batch;
  }

  /** The task this worker holds (taken from the queue, maybe not started yet), or null. */
  Task current() {
    Task t = (Task) CURRENT.getAcquire(this);
    return t == INTERRUPTING ? null : t;
  }

  /** True while the worker holds a task, including while it is being interrupted. */
  boolean isBusy() {
    return CURRENT.getAcquire(this) != null;
  }

  /** Called by the worker thread only, with no task held. */
  void begin(Task task) {
    CURRENT.setRelease(this, task);
  }

  /** Called by the worker thread only: releases the task and clears any interrupt left for it. */
  void end(Task task) {
    while (!CURRENT.compareAndSet(this, task, null)) {
      Thread.onSpinWait(); // an interrupter holds it for the time of Thread.interrupt()
    }
    Thread.interrupted();
  }

  /** Interrupts the thread if, and only while, it holds {@code task}. */
  boolean interruptIfRunning(Task task) {
    if (!CURRENT.compareAndSet(this, task, INTERRUPTING)) {
      return false;
    }
    try {
      thread.interrupt();
    } finally {
      CURRENT.setVolatile(this, task);
    }
    return true;
  }

  /** What this worker answered; it alone counts into it. */
  OwnedCounts counts() {
    return counts;
  }

  @Override
  public void run() {
    lane.workLoop(this);
  }
}
