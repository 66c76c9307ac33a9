package dev.sluice.internal.resilience;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.AsyncEventProcessor;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessorContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A decorator of a processor that may be blocking or asynchronous. Each decorator implements
 * both paths; only the one matching the plugin's processor is ever called, and
 * {@link ResilientProcessors} hides the asynchronous one from the lane when the plugin's
 * processor blocks.
 */
abstract class ProcessorDecorator implements AsyncEventProcessor {
  final EventProcessor delegate;

  ProcessorDecorator(EventProcessor delegate) {
    this.delegate = delegate;
  }

  /** The delegate's asynchronous call; a throw becomes a failed stage. */
  final CompletionStage<Result> delegateAsync(Event event, ProcessorContext context) {
    try {
      return ((AsyncEventProcessor) delegate).processAsync(event, context);
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  @Override
  public abstract Result process(Event event, ProcessorContext context) throws Exception;

  /** The failure inside the wrappers that futures add. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
