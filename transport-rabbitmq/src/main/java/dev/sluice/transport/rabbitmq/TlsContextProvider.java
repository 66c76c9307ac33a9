package dev.sluice.transport.rabbitmq;

import dev.sluice.security.tls.TlsConfig;
import dev.sluice.security.tls.TlsMaterial;
import dev.sluice.spi.TransportContext;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/**
 * Where TLS connections get their {@link SSLContext}. The default, {@link #shared()}, builds it
 * with the server's shared TLS policy ({@code dev.sluice.security.tls}: TLS 1.3 and 1.2 only,
 * the policy's cipher suites, the broker's host name checked) from the
 * {@code transport.rabbitmq.tls} section, falling back to {@code security.tls} for what that
 * leaves out. Another provider is for embedding with a context built elsewhere.
 *
 * <pre>{@code
 * new RabbitMqTransport(TlsContextProvider.of(mySslContext));
 * }</pre>
 *
 * <p>Called when a source starts or a client first connects, and only when TLS is enabled; it
 * may do file I/O. A failure stops the start (or answers the client's requests UNAVAILABLE)
 * with its message, which names the configuration key and file.
 */
@FunctionalInterface
public interface TlsContextProvider {

  /** The context for connections configured by {@code settings} in {@code context}. */
  SSLContext sslContext(RabbitMqSettings settings, TransportContext context)
      throws IOException, GeneralSecurityException;

  /** The shared TLS material and policy: {@code transport.rabbitmq.tls}, then {@code security.tls}. */
  static TlsContextProvider shared() {
    return (settings, context) -> TlsMaterial.forClient(tlsConfig(settings, context))
        .sslContext();
  }

  /**
   * The transport's {@code tls} section with what it leaves out taken from
   * {@code security.tls}.
   *
   * @throws dev.sluice.config.ConfigException naming the key paths of {@code security.tls}
   */
  static TlsConfig tlsConfig(RabbitMqSettings settings, TransportContext context) {
    return settings.tls().orShared(TlsConfig.from(context.security().section("tls")));
  }

  /** Always the given context. */
  static TlsContextProvider of(SSLContext sslContext) {
    return (settings, context) -> sslContext;
  }
}
