package dev.sluice.transport.rabbitmq;

import java.security.GeneralSecurityException;
import java.io.IOException;
import javax.net.ssl.SSLContext;

/**
 * Where TLS connections get their {@link SSLContext}: the seam through which the shared TLS
 * policy of {@code dev.sluice.security.tls} will be plugged in. The default,
 * {@link #fromSettings()}, builds one from the {@code transport.rabbitmq.tls} section.
 *
 * <p>Called once per connection factory, when a source starts or a client first connects;
 * it may do file I/O. A failure stops the start (or fails the client's requests) with its
 * message.
 */
@FunctionalInterface
public interface TlsContextProvider {

  /** The context for connections configured by {@code settings}, whose TLS is enabled. */
  SSLContext sslContext(RabbitMqSettings settings) throws IOException, GeneralSecurityException;

  /** PKCS#12 trust and key stores from the {@code tls} section; the JDK's defaults otherwise. */
  static TlsContextProvider fromSettings() {
    return dev.sluice.transport.rabbitmq.internal.KeyStoreTls::sslContext;
  }

  /** Always the given context. */
  static TlsContextProvider of(SSLContext context) {
    return settings -> context;
  }
}
