/**
 * The TLS policy and material every Sluice transport uses.
 *
 * <ul>
 *   <li>{@link dev.sluice.security.tls.TlsPolicy}: TLS 1.3 and 1.2, Mozilla "intermediate"
 *       cipher suites, no renegotiation.</li>
 *   <li>{@link dev.sluice.security.tls.TlsConfig}: a {@code tls} section
 *       ({@code security.tls}, {@code transport.<type>.tls}) with its
 *       {@link dev.sluice.security.tls.TlsConfig#DEF ConfigDef}.</li>
 *   <li>{@link dev.sluice.security.tls.TlsMaterial}: loaded keys and trust, handed on as key and
 *       trust manager factories (Netty), a JDK {@code SSLContext} (RabbitMQ) or Kafka
 *       {@code ssl.*} properties; creates the development certificate when nothing is
 *       configured.</li>
 *   <li>{@link dev.sluice.security.tls.ClientTrust}: how a client trusts a server: CA file,
 *       pinned fingerprint, insecure, or the JDK's CAs plus the local development
 *       certificate.</li>
 * </ul>
 *
 * <p>No Netty, RabbitMQ or Kafka type appears here; each transport adapts these to its library.
 */
package dev.sluice.security.tls;
