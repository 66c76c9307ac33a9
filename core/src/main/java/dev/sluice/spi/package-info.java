/**
 * The service provider interfaces: what plugins implement and what the engine gives them.
 *
 * <pre>
 *  plugin jar ── META-INF/services/dev.sluice.spi.SluicePlugin ──► SluicePlugin (a Guice module)
 *                                                                   │ binds by name
 *        ┌──────────────────────────┬───────────────────────────────┼────────────────────┐
 *        ▼                          ▼                               ▼                    ▼
 *  EventProcessor            Transport                      EventSourceFactory    (services)
 *  (one method)              ├─ createSource ─► EventSource        │
 *                            └─ createClient ─► EventClient        ▼
 *                                                             EventSource
 *
 *  EventSource.start(sink) ── sink.submit(event, delivery) ──► CompletionStage&lt;Result&gt;
 *        ▲ pause()/resume() when the engine is saturated (PausableSource)
 * </pre>
 *
 * <p>The store-side services a processor may use, {@link dev.sluice.spi.LockService},
 * {@link dev.sluice.spi.StateStore} and {@link dev.sluice.spi.EventStore}, are interfaces here;
 * the engine provides in-memory implementations, and {@code sluice-store-jdbc} durable ones.
 *
 * <p>{@link dev.sluice.spi.SharedData} lets transports, stores and guards read an event's or a
 * result's data without the copy that {@code data()} makes, and a transport hand a freshly
 * decoded array to an event's builder; what it shares must never be modified, and processors
 * must not use it.
 */
package dev.sluice.spi;
