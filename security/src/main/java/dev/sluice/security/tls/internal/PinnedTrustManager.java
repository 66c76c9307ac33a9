package dev.sluice.security.tls.internal;

import dev.sluice.security.tls.CertificateFingerprint;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, by its SHA-256 fingerprint, whoever signed it: the way
 * to reach a server with a self-signed certificate without turning verification off. Host names
 * are not checked; the pin is stronger than a name.
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {
  private final byte[] fingerprint;
  private final String expected;

  public PinnedTrustManager(String fingerprint) {
    this.fingerprint = CertificateFingerprint.parse(fingerprint);
    this.expected = fingerprint;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server sent no certificate");
    }
    if (!CertificateFingerprint.matches(chain[0], fingerprint)) {
      throw new CertificateException("the server's certificate "
          + chain[0].getSubjectX500Principal() + " has SHA-256 fingerprint "
          + CertificateFingerprint.sha256(chain[0]) + ", not the pinned " + expected
          + "; if the server's certificate changed on purpose, pin the new fingerprint");
    }
    chain[0].checkValidity();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a pinned trust manager only checks servers");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
