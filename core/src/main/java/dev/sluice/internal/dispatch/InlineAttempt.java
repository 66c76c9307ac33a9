package dev.sluice.internal.dispatch;

import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;

/**
 * What an event's first attempt on the thread that delivered it came to: either its result, or
 * the rest of its processing (retries after a backoff, a dead letter), which may wait and so
 * runs on one of the lane's workers.
 *
 * @param result the event's result, or null when {@code rest} must run
 * @param rest called on a worker with the event and its context; null when {@code result} is set
 * @param endNanos {@link System#nanoTime()} when the attempt ended, read once by whoever timed
 *     it, so that the lane does not read the clock again
 */
public record InlineAttempt(Result result, EventProcessor rest, long endNanos) {

  /** The first attempt settled the event. */
  public static InlineAttempt settled(Result result, long endNanos) {
    return new InlineAttempt(result, null, endNanos);
  }

  /** The event needs more than its first attempt; {@code rest} does it on a worker. */
  public static InlineAttempt handOff(EventProcessor rest, long endNanos) {
    return new InlineAttempt(null, rest, endNanos);
  }
}
