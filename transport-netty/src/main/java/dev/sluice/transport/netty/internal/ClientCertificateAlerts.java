package dev.sluice.transport.netty.internal;

import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server's trust manager for the OpenSSL engine, so that a refused client certificate
 * gets the TLS alert that says why. Netty reports a trust manager's plain
 * {@link CertificateException} to BoringSSL as an unspecified error, which the client sees as
 * {@code internal_error}, as if the server had failed; here a certificate that chains to no
 * trusted CA is reported as {@code unknown_ca} and any other refusal as
 * {@code bad_certificate}. Expiry keeps netty's own mapping ({@code certificate_expired}).
 *
 * <p>Thread-safe as its delegate; used only by {@link SslContexts#server}.
 */
final class ClientCertificateAlerts extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;

  private ClientCertificateAlerts(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  /** The factory's X.509 trust manager, wrapped; the factory itself when it has none. */
  static TrustManager wrap(TrustManagerFactory factory) {
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return new ClientCertificateAlerts(x);
      }
    }
    throw new IllegalArgumentException("the trust material holds no X.509 trust manager");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw withAlert(e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw withAlert(e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw withAlert(e);
    }
  }

  static CertificateException withAlert(CertificateException e) {
    if (e instanceof OpenSslCertificateException || e instanceof CertificateExpiredException
        || e instanceof CertificateNotYetValidException) {
      return e;
    }
    int code = CertificateVerifier.X509_V_ERR_CERT_REJECTED;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertPathBuilderException) {
        code = CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
      }
    }
    OpenSslCertificateException mapped = new OpenSslCertificateException(e.getMessage(), code);
    mapped.initCause(e);
    return mapped;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
