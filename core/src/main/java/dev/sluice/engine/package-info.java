/**
 * The engine: {@link dev.sluice.engine.SluiceServer} assembles a configuration and the loaded
 * plugins into a running server.
 *
 * <pre>
 *  EventSource ──submit──► Dispatcher ── route by type ──► lane "a": bounded queue ─► workers ─► Result
 *      ▲                       │                     └──► lane "b": bounded queue ─► workers ─► Result
 *      └── pause / resume ◄────┘ (high / low water marks)        fan-out merges within a deadline
 * </pre>
 */
package dev.sluice.engine;
