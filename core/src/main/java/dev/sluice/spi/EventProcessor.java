package dev.sluice.spi;

import dev.sluice.event.Event;
import dev.sluice.event.Result;

/**
 * The one interface a plugin author implements: given an event, return its result.
 *
 * <pre>{@code
 * public final class EchoProcessor implements EventProcessor {
 *   public Result process(Event event, ProcessorContext context) {
 *     return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
 *   }
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> {@code process} runs on one of the processor's worker threads; up to the
 * configured {@code concurrency} calls run at once, so an implementation shared by all of them
 * must be thread-safe. Blocking is allowed: each call holds one worker. With
 * {@code ordering: partition-key}, calls for events with the same partition key never overlap
 * and run in arrival order. A processor that never blocks may be configured with
 * {@code execution: inline}: {@code process} then runs on the thread that delivered the event
 * (a transport's I/O thread) and must return quickly: past its timeout the sender is answered
 * {@code TIMEOUT}, but the call cannot be interrupted.
 *
 * <p><b>Failure.</b> A thrown exception becomes an {@code ERROR} result: a
 * {@link ProcessingException} keeps its code and retryability, any other exception gets the code
 * {@code PROCESSOR_FAILED}. A processor never leaves a request hanging. Retryable failures are
 * retried as the processor's {@code retry} section says; an event that still fails is kept as a
 * dead letter, and while the processor keeps failing its circuit breaker refuses its events with
 * {@code UNAVAILABLE} (see docs/operations.md).
 *
 * <p><b>Cancellation.</b> When the processor's timeout passes, the caller gets {@code TIMEOUT} and
 * the worker thread is interrupted; a long-running processor should let
 * {@link InterruptedException} propagate or check {@link Thread#isInterrupted()}.
 *
 * <p>Processors that complete asynchronously implement {@link AsyncEventProcessor} instead.
 */
@FunctionalInterface
public interface EventProcessor {
  /**
   * Processes one event.
   *
   * @param event the event, already validated and authorized
   * @param context this processor's settings, logger, metrics and services
   * @return the result; its event id should be {@code event.id()}
   * @throws Exception any failure, reported to the sender as an {@code ERROR} result
   */
  Result process(Event event, ProcessorContext context) throws Exception;
}
