package dev.sluice.spi;

/**
 * An optional capability of an {@link EventSource}: its intake can be slowed. The engine calls
 * {@link #pause()} when its queues pass their high-water mark and {@link #resume()} when they
 * have drained below the low-water mark. Netty stops reading its channels, Kafka pauses its
 * partitions; neither stops serving results.
 *
 * <p>Calls alternate (pause, resume, pause, ...) and may come from any engine thread; they must
 * return quickly.
 */
public interface PausableSource extends EventSource {
  void pause();

  void resume();
}
