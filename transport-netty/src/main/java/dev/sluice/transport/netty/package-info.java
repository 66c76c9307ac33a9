/**
 * The netty transport ({@code transport.type: netty}): Sluice's own TLS TCP protocol,
 * specified in docs/protocol.md. {@link dev.sluice.transport.netty.NettyTransport} is the entry
 * point, {@link dev.sluice.transport.netty.NettySettings} the configuration.
 */
package dev.sluice.transport.netty;
