package dev.sluice.spi;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * An optional capability: a processor that answers with a {@link CompletionStage} instead of
 * blocking a worker, for processors that call non-blocking clients.
 *
 * <p>{@link #processAsync} is called on a worker thread and must return quickly. The processor's
 * {@code concurrency} then bounds how many stages may be incomplete at once, and its timeout
 * applies to the stage: when it passes, the caller gets {@code TIMEOUT} and the stage is
 * cancelled. A stage that completes exceptionally is reported as for
 * {@link EventProcessor#process}.
 */
public interface AsyncEventProcessor extends EventProcessor {

  /** Starts processing one event; the stage completes with its result. */
  CompletionStage<Result> processAsync(Event event, ProcessorContext context);

  /** Blocks on {@link #processAsync}; the engine never calls it for async processors. */
  @Override
  default Result process(Event event, ProcessorContext context) throws Exception {
    try {
      return processAsync(event, context).toCompletableFuture().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      throw e;
    }
  }
}
