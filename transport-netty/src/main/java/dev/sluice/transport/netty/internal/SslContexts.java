package dev.sluice.transport.netty.internal;

import dev.sluice.security.tls.TlsException;
import dev.sluice.security.tls.TlsMaterial;
import dev.sluice.security.tls.TlsPolicy;
import dev.sluice.transport.netty.NettySettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import javax.net.ssl.SSLException;

/** Netty TLS contexts from the security module's material, under its policy. */
public final class SslContexts {
  private SslContexts() {
  }

  /** The provider for {@code engine}: OpenSSL when asked for (or on auto, when it loads). */
  public static SslProvider provider(NettySettings.Engine engine) {
    return switch (engine) {
      case JDK -> SslProvider.JDK;
      case OPENSSL -> {
        if (!OpenSsl.isAvailable()) {
          throw new TlsException("transport.netty.engine is openssl but netty-tcnative does not "
              + "load here (" + OpenSsl.unavailabilityCause() + "); use auto or jdk",
              OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    };
  }

  public static SslContext server(TlsMaterial material, SslProvider provider) {
    SslContextBuilder b = SslContextBuilder.forServer(material.keyManagerFactory().orElseThrow())
        .sslProvider(provider)
        .protocols(TlsPolicy.PROTOCOLS)
        .ciphers(TlsPolicy.CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
        .clientAuth(switch (material.clientAuth()) {
          case NONE -> ClientAuth.NONE;
          case OPTIONAL -> ClientAuth.OPTIONAL;
          case REQUIRE -> ClientAuth.REQUIRE;
        });
    material.trustManagerFactory().ifPresent(f -> {
      if (provider == SslProvider.OPENSSL) {
        b.trustManager(ClientCertificateAlerts.wrap(f)); // say why a certificate is refused
      } else {
        b.trustManager(f);
      }
    });
    return build(b);
  }

  public static SslContext client(TlsMaterial material, SslProvider provider) {
    SslContextBuilder b = SslContextBuilder.forClient()
        .sslProvider(provider)
        .protocols(TlsPolicy.PROTOCOLS)
        .ciphers(TlsPolicy.CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
        .endpointIdentificationAlgorithm(material.verifiesHostname() ? "HTTPS" : null);
    material.keyManagerFactory().ifPresent(b::keyManager);
    material.trustManagerFactory().ifPresent(b::trustManager);
    return build(b);
  }

  private static SslContext build(SslContextBuilder b) {
    try {
      return b.build();
    } catch (SSLException e) {
      throw new TlsException("cannot create the TLS context (" + e.getMessage() + ")", e);
    }
  }
}
