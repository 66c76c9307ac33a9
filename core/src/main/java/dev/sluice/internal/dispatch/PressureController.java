package dev.sluice.internal.dispatch;

import dev.sluice.spi.PausableSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses the pausable sources while any lane is saturated and resumes them when none is. The
 * decision and the calls happen under one monitor so a late "pause" never overtakes a "resume".
 */
final class PressureController implements PressureListener {
  private static final Logger LOG = LoggerFactory.getLogger(PressureController.class);

  private final Set<String> saturated = ConcurrentHashMap.newKeySet();
  private final List<PausableSource> sources = new CopyOnWriteArrayList<>();
  private boolean paused;
  private long pauses;

  void register(PausableSource source) {
    sources.add(source);
  }

  @Override
  public void saturated(ProcessorLane lane) {
    saturated.add(lane.name());
    update();
  }

  @Override
  public void relieved(ProcessorLane lane) {
    saturated.remove(lane.name());
    update();
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
