package dev.sluice.transport.rabbitmq;

import dev.sluice.spi.TransportContext;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/**
 * Where TLS connections get their {@link SSLContext}: the seam through which the server's shared
 * TLS policy ({@code dev.sluice.security.tls}, built from {@link TransportContext#security()})
 * plugs in. The default, {@link #fromSettings()}, builds one from the
 * {@code transport.rabbitmq.tls} section.
 *
 * <pre>{@code
 * new RabbitMqTransport((settings, context) -> sharedTls.clientContext(context.security()));
 * }</pre>
 *
 * <p>Called when a source starts or a client first connects, and only when TLS is enabled; it
 * may do file I/O. A failure stops the start (or answers the client's requests UNAVAILABLE)
 * with its message.
 */
@FunctionalInterface
public interface TlsContextProvider {

  /** The context for connections configured by {@code settings} in {@code context}. */
  SSLContext sslContext(RabbitMqSettings settings, TransportContext context)
      throws IOException, GeneralSecurityException;

  /** PKCS#12 trust and key stores from the {@code tls} section; the JDK's defaults otherwise. */
  static TlsContextProvider fromSettings() {
    return (settings, context) ->
        dev.sluice.transport.rabbitmq.internal.KeyStoreTls.sslContext(settings);
  }

  /** Always the given context. */
  static TlsContextProvider of(SSLContext sslContext) {
    return (settings, context) -> sslContext;
  }
}
