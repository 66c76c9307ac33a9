package dev.sluice.transport.kafka.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Lets one item per key run at a time, in arrival order, while items of different keys run in
 * parallel. A null key is never held back. Thread-safe: items arrive on the poll thread and
 * finish on engine threads.
 *
 * @param <T> the work item
 */
final class KeySequencer<T> {
  /** Per key: the running item first, then those waiting behind it. */
  private final Map<Object, ArrayDeque<T>> lanes = new HashMap<>();

  /** True when {@code item} may start now; otherwise it waits for its key's earlier items. */
  synchronized boolean offer(Object key, T item) {
    if (key == null) {
      return true;
    }
    ArrayDeque<T> lane = lanes.get(key);
    if (lane == null) {
      lane = new ArrayDeque<>(2);
      lanes.put(key, lane);
      lane.add(item);
      return true;
    }
    lane.add(item);
    return false;
  }

  /** The running item of {@code key} finished; returns the next to start, or null. */
  synchronized T finished(Object key) {
    if (key == null) {
      return null;
    }
    ArrayDeque<T> lane = lanes.get(key);
    if (lane == null) {
      return null;
    }
    lane.poll();
    T next = lane.peek();
    if (next == null) {
      lanes.remove(key);
    }
    return next;
  }

  /**
   * Removes the waiting (not running) items that match {@code dropped}, such as those of revoked
   * partitions, and returns them.
   */
  synchronized List<T> removeWaiting(Predicate<? super T> dropped) {
    List<T> removed = new ArrayList<>();
    for (ArrayDeque<T> lane : lanes.values()) {
      Iterator<T> it = lane.iterator();
      if (it.hasNext()) {
        it.next(); // the running one
      }
      while (it.hasNext()) {
        T item = it.next();
        if (dropped.test(item)) {
          it.remove();
          removed.add(item);
        }
      }
    }
    return removed;
  }

  synchronized int waiting() {
    int n = 0;
    for (ArrayDeque<T> lane : lanes.values()) {
      n += lane.size() - 1;
    }
    return n;
  }
}
