package dev.sluice.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;

/**
 * The tasks a worker took from its lane's queue in one {@code drainTo} (one lock round trip for
 * up to {@link #CAPACITY} events) and has not begun yet. They still count in the lane's depth
 * until the worker begins each one, and the watchdog and {@code stopAndAbandon} see them through
 * {@link #forEachHeld}, so taking them early changes neither admission, backpressure, deadline
 * expiry nor what a stop reports as abandoned.
 *
 * <p>Only the worker thread fills and takes; other threads only read. A slot is cleared only
 * after the worker holds its task ({@link Worker#begin}), so a task is always in the queue, in
 * a batch or held by its worker; a reader may see it in two of these places.
 */
final class TaskBatch extends AbstractCollection<Task> {
  static final int CAPACITY = 64;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Task[].class);

  private final Task[] slots = new Task[CAPACITY];
  private int filled;
  private int next;
  private volatile int end;

  /** Worker thread only: takes up to {@code max} (at most {@link #CAPACITY}) from the queue. */
  int fill(ArrayBlockingQueue<Task> queue, int max) {
    filled = 0;
    next = 0;
    queue.drainTo(this, Math.min(max, CAPACITY));
    end = filled;
    return filled;
  }

  /** Worker thread only: the next held task, still held, or null when none is left. */
  Task peek() {
    return next < end ? slots[next] : null;
  }

  /** Worker thread only: lets go of the task {@link #peek} returned, once the worker holds it. */
  void advance() {
    SLOT.setRelease(slots, next++, null);
  }

  /**
   * Any thread: each task still held, a snapshot that may include one the worker holds already
   * (every slot is read, so a task is seen from the moment {@code drainTo} puts it here).
   */
  void forEachHeld(Consumer<Task> action) {
    for (int i = 0; i < CAPACITY; i++) {
      Task t = (Task) SLOT.getAcquire(slots, i);
      if (t != null) {
        action.accept(t);
      }
    }
  }

  /** Called by {@code drainTo} on the worker thread, under the queue's lock. */
  @Override
  public boolean add(Task task) {
    SLOT.setRelease(slots, filled++, task);
    return true;
  }

  @Override
  public int size() {
    return end - next;
  }

  /** Not supported: the batch is read through {@link #peek} and {@link #forEachHeld}. */
  @Override
  public Iterator<Task> iterator() {
    throw new UnsupportedOperationException("read a TaskBatch with peek or forEachHeld");
  }
}
