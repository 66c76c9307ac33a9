package dev.sluice.security.tls;

import dev.sluice.config.Secret;
import dev.sluice.security.tls.internal.DevCertificate;
import dev.sluice.security.tls.internal.FixedTrustManagerFactory;
import dev.sluice.security.tls.internal.InsecureTrustManager;
import dev.sluice.security.tls.internal.PemFiles;
import dev.sluice.security.tls.internal.PinnedTrustManager;
import dev.sluice.security.tls.internal.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a client decides to trust a server: the CAs of a file, one pinned certificate fingerprint,
 * nothing at all (only on explicit request, with a warning), or by default the JDK's CAs plus the
 * development certificate of a server sharing the client's data directory. Immutable.
 */
public final class ClientTrust {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.security.tls");

  private final TrustManagerFactory factory;
  private final boolean verifyHostname;
  private final String description;

  private ClientTrust(TrustManagerFactory factory, boolean verifyHostname, String description) {
    this.factory = factory;
    this.verifyHostname = verifyHostname;
    this.description = description;
  }

  /** Trusts servers whose chain leads to a CA in {@code file} (PEM or PKCS#12); checks names. */
  public static ClientTrust caFile(Path file, Secret password, String key) {
    return new ClientTrust(Stores.trustManagers(file,
        password == null ? null : password.reveal().toCharArray(), key), true,
        "the CAs in " + file);
  }

  /** Trusts the one certificate with this SHA-256 fingerprint; host names are not checked. */
  public static ClientTrust pinned(String sha256) {
    return new ClientTrust(new FixedTrustManagerFactory(new PinnedTrustManager(sha256)), false,
        "the certificate pinned by SHA-256 " + sha256);
  }

  /** Trusts every server. Logs a warning: anyone on the path can read and change the traffic. */
  public static ClientTrust insecure(String key) {
    LOG.warn("{} is on: this client trusts ANY server certificate, so anyone between it and the "
        + "server can read and change its events and password; use ca-file or pinned-sha256",
        key);
    return new ClientTrust(new FixedTrustManagerFactory(new InsecureTrustManager()), false,
        "any server (insecure)");
  }

  /**
   * The JDK's default CAs, plus the development certificate under {@code dataDirectory} when a
   * server created one there; host names are checked (it names localhost and 127.0.0.1).
   */
  public static ClientTrust defaults(Path dataDirectory) {
    Path dev = DevCertificate.certFile(dataDirectory);
    if (!Files.isRegularFile(dev)) {
      return new ClientTrust(null, true, "the JDK's default CAs");
    }
    List<X509Certificate> all = new ArrayList<>(Stores.jdkDefaultCertificates());
    all.addAll(PemFiles.certificates(dev, "development certificate"));
    return new ClientTrust(Stores.trustManagers(all, "development certificate"), true,
        "the JDK's default CAs and the development certificate " + dev);
  }

  /** The trust managers; null means the JDK's defaults. */
  public TrustManagerFactory trustManagerFactory() {
    return factory;
  }

  /** Whether the server's certificate must name the host the client connects to. */
  public boolean verifiesHostname() {
    return verifyHostname;
  }

  @Override
  public String toString() {
    return description;
  }
}
