package dev.sluice.spi;

import java.util.Set;

/**
 * An optional capability of an {@link EventSource}: it can stop taking events of some types
 * while still taking the others. The engine uses it while a processor's circuit breaker is open:
 * rather than receiving that processor's events only to answer {@code UNAVAILABLE} (which on a
 * broker means a hot loop of redeliveries), the source leaves them where they are (in the queue,
 * the topic, the table) until the breaker half-opens.
 *
 * <pre>
 *  breaker of processor "orders" (types orders.*) opens
 *      └─► source.pauseTypes("processor:orders", {orders.*}, "circuit breaker open ...")
 *  breaker half-opens (after wait-in-open)
 *      └─► source.resumeTypes("processor:orders")
 * </pre>
 *
 * <p>How a source pauses is its own affair: a source with one queue or topic per type can stop
 * consuming it; one whose queue mixes types keeps consuming and holds (or nacks without requeue
 * delay, to a retry queue) the events of paused types, bounded. An event of a paused type that
 * arrives anyway may still be submitted: the engine answers it {@code UNAVAILABLE} at once.
 *
 * <p><b>Threading.</b> Calls may come from any engine thread and must return quickly. Pauses are
 * keyed: {@code pauseTypes} with a key already paused replaces its patterns, {@code resumeTypes}
 * of an unknown key does nothing, and a type stays paused while any key's patterns match it.
 */
public interface TypePausableSource extends EventSource {

  /**
   * Stops taking events whose type matches any of {@code typePatterns} (exact types, prefixes
   * such as {@code orders.*}, or {@code *}) until {@link #resumeTypes} with the same key.
   *
   * @param key who pauses, such as {@code processor:orders}
   * @param typePatterns the event type patterns to pause
   * @param reason why, for the source's log
   */
  void pauseTypes(String key, Set<String> typePatterns, String reason);

  /** Ends the pause of {@code key}; its types flow again unless another key still pauses them. */
  void resumeTypes(String key);

  /** Whether {@code type} matches {@code pattern} as routing does: exact, {@code prefix.*}, {@code *}. */
  static boolean matches(String pattern, String type) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith("*")) {
      return type.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    return pattern.equals(type);
  }
}
