/**
 * The in-memory transport ({@code transport.type: memory}): a server and clients in one JVM, for
 * tests of the engine, of plugins and of examples without a network, as Spring Cloud Stream's
 * test binder does.
 *
 * <p>Settings under {@code transport.memory}: {@code address} (default {@code default}), the
 * name a server registers and clients look up, and {@code max-event-bytes} (default 1048576),
 * the largest event accepted. Events cross the "wire" as a map of CloudEvents attributes and are
 * validated on arrival like any transport's frames, so malformed input can be tested with
 * {@link dev.sluice.memory.InMemoryTransport#sendRaw}.
 */
package dev.sluice.memory;
