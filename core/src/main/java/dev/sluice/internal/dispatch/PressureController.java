package dev.sluice.internal.dispatch;

import dev.sluice.spi.PausableSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses the pausable sources while any lane is saturated and resumes them when none is. The
 * decision and the calls happen under one monitor so a late "pause" never overtakes a "resume".
 *
 * <p>A lane reports crossing a mark from the thread that moved its queue, which may be
 * preempted before the call arrives: a "relieved" from a worker can come after the queue has
 * filled again and after the "saturated" of that filling. So a report only counts if the lane's
 * queue is still where the report says, checked under the monitor; a report that is out of date
 * is dropped, and the next crossing reports again. Without the check such a late "relieved"
 * resumed intake while the queue was full, and a flood was answered OVERLOADED instead of being
 * held back.
 */
final class PressureController implements PressureListener {
  private static final Logger LOG = LoggerFactory.getLogger(PressureController.class);

  private final Set<String> saturated = new HashSet<>();
  private final List<PausableSource> sources = new CopyOnWriteArrayList<>();
  private boolean paused;
  private long pauses;

  void register(PausableSource source) {
    sources.add(source);
  }

  @Override
  public synchronized void saturated(QueuePressure lane) {
    if (lane.atHighWater()) {
      saturated.add(lane.name());
      update();
    }
  }

  @Override
  public synchronized void relieved(QueuePressure lane) {
    if (lane.atLowWater()) {
      saturated.remove(lane.name());
      update();
    }
  }

  synchronized boolean isPaused() {
    return paused;
  }

  synchronized long pauses() {
    return pauses;
  }

  private synchronized void update() {
    boolean shouldPause = !saturated.isEmpty();
    if (shouldPause == paused) {
      return;
    }
    paused = shouldPause;
    if (shouldPause) {
      pauses++;
      LOG.debug("pausing intake: saturated {}", saturated);
    } else {
      LOG.debug("resuming intake");
    }
    for (PausableSource s : sources) {
      try {
        if (shouldPause) {
          s.pause();
        } else {
          s.resume();
        }
      } catch (RuntimeException e) {
        LOG.warn("source {} failed to {}", s.describe(), shouldPause ? "pause" : "resume", e);
      }
    }
  }
}
