package dev.sluice.internal.dispatch;

import dev.sluice.spi.EventSink;
import dev.sluice.spi.PausableSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A pausable source that only records the engine's calls: "pause" and "resume", in order. */
final class RecordingSource implements PausableSource {
  final List<String> calls = new CopyOnWriteArrayList<>();

  @Override
  public void pause() {
    calls.add("pause");
  }

  @Override
  public void resume() {
    calls.add("resume");
  }

  @Override
  public void start(EventSink sink) {
  }

  @Override
  public CompletionStage<Void> stop(Duration drainDeadline) {
    return CompletableFuture.completedFuture(null);
  }
}
