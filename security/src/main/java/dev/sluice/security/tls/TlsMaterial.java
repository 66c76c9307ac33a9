package dev.sluice.security.tls;

import dev.sluice.config.Secret;
import dev.sluice.security.tls.internal.DevCertificate;
import dev.sluice.security.tls.internal.PemFiles;
import dev.sluice.security.tls.internal.PolicySslContext;
import dev.sluice.security.tls.internal.Stores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loaded TLS material under the {@link TlsPolicy}, handed on in the form each transport needs:
 * key and trust manager factories (for Netty's {@code SslContextBuilder}), a JDK
 * {@link SSLContext} (for the RabbitMQ client), or Kafka {@code ssl.*} properties.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.from(settings.section("tls")).orShared(TlsConfig.from(security.section("tls")));
 * TlsMaterial server = TlsMaterial.forServer(tls, context.dataDirectory());   // RabbitMQ, Kafka: forClient(tls)
 * connectionFactory.useSslProtocol(TlsMaterial.forClient(tls).sslContext());
 * }</pre>
 *
 * <p>Loading reads files (and may create the development certificate), so do it in a start
 * method, not in a constructor that must be free of I/O. Failures throw {@link TlsException}
 * naming the configuration key and the file. Instances are immutable and thread-safe.
 */
public final class TlsMaterial {
  private final KeyManagerFactory keyManagers;
  private final TrustManagerFactory trustManagers;
  private final ClientAuth clientAuth;
  private final List<X509Certificate> chain;
  private final boolean verifyHostname;
  private final TlsConfig files;
  private final Path devCertFile;
  private final Path devKeyFile;

  private TlsMaterial(KeyManagerFactory keyManagers, TrustManagerFactory trustManagers,
      ClientAuth clientAuth, List<X509Certificate> chain, boolean verifyHostname,
      TlsConfig files, Path devCertFile, Path devKeyFile) {
    this.keyManagers = keyManagers;
    this.trustManagers = trustManagers;
    this.clientAuth = clientAuth;
    this.chain = List.copyOf(chain);
    this.verifyHostname = verifyHostname;
    this.files = files;
    this.devCertFile = devCertFile;
    this.devKeyFile = devKeyFile;
  }

  /**
   * A server's material: its configured key (PEM or PKCS#12) or, when none is configured and
   * {@code dev-certificate} is on, the development certificate under {@code dataDirectory}
   * (created on first use, its fingerprint logged); trust for client certificates from
   * {@code trust-file}.
   *
   * @throws TlsException when a file cannot be read or no key material is available
   */
  public static TlsMaterial forServer(TlsConfig config, Path dataDirectory) {
    TlsPolicy.refuseRenegotiation();
    TrustManagerFactory trust = trust(config);
    if (config.hasKeyMaterial()) {
      Identity id = identity(config);
      return new TlsMaterial(id.managers, trust, config.clientAuth(), id.chain, false, config,
          null, null);
    }
    if (!config.devCertificate()) {
      throw new TlsException(config.key("cert-file") + ": TLS is on but no key material is "
          + "configured; set cert-file and key-file (PEM) or keystore (PKCS#12), turn "
          + config.key("dev-certificate") + " on for a development certificate, or turn "
          + config.key("enabled") + " off");
    }
    DevCertificate dev = DevCertificate.loadOrCreate(dataDirectory);
    return new TlsMaterial(Stores.keyManagers(dev.key(), dev.chain()), trust,
        config.clientAuth(), dev.chain(), false, config, dev.certFile(), dev.keyFile());
  }

  /**
   * A client's material for reaching a broker or server: its own certificate when
   * {@code cert-file}/{@code keystore} is configured (for servers that require one), servers
   * trusted by {@code trust-file} or else the JDK's CAs, host names checked.
   */
  public static TlsMaterial forClient(TlsConfig config) {
    TlsPolicy.refuseRenegotiation();
    Identity id = config.hasKeyMaterial() ? identity(config) : null;
    return new TlsMaterial(id == null ? null : id.managers, trust(config), ClientAuth.NONE,
        id == null ? List.of() : id.chain, true, config, null, null);
  }

  /**
   * A client's material with trust decided by {@code trust}, and its own certificate from
   * {@code identity} when that has key material (else none).
   */
  public static TlsMaterial forClient(ClientTrust trust, TlsConfig identity) {
    TlsPolicy.refuseRenegotiation();
    Identity id = identity.hasKeyMaterial() ? identity(identity) : null;
    return new TlsMaterial(id == null ? null : id.managers, trust.trustManagerFactory(),
        ClientAuth.NONE, id == null ? List.of() : id.chain, trust.verifiesHostname(), identity,
        null, null);
  }

  private record Identity(KeyManagerFactory managers, List<X509Certificate> chain) {
  }

  private static Identity identity(TlsConfig config) {
    if (config.keystore().isPresent()) {
      char[] password = config.keystorePassword().map(s -> s.reveal().toCharArray())
          .orElse(new char[0]);
      KeyStore store = Stores.load(config.keystore().get(), password, config.key("keystore"));
      return new Identity(Stores.keyManagers(store, password, config.key("keystore")),
          Stores.chain(store, config.key("keystore")));
    }
    List<X509Certificate> chain = PemFiles.certificates(config.certFile().orElseThrow(),
        config.key("cert-file"));
    char[] password = config.keyPassword().map(s -> s.reveal().toCharArray()).orElse(null);
    var key = PemFiles.privateKey(config.keyFile().orElseThrow(), password,
        config.key("key-file"));
    if (!matches(chain.get(0), key)) {
      throw new TlsException(config.key("key-file") + ": the key in " + config.keyFile().get()
          + " does not belong to the certificate " + chain.get(0).getSubjectX500Principal()
          + " in " + config.certFile().get() + "; give the key of that certificate");
    }
    return new Identity(Stores.keyManagers(key, chain), chain);
  }

  private static boolean matches(X509Certificate cert, java.security.PrivateKey key) {
    try {
      String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA"
          : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : null;
      if (algorithm == null) {
        return true; // Ed25519 and others: the TLS handshake will tell
      }
      byte[] probe = "sluice key check".getBytes(StandardCharsets.US_ASCII);
      var signer = java.security.Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      var verifier = java.security.Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static TrustManagerFactory trust(TlsConfig config) {
    return config.trustFile().map(f -> Stores.trustManagers(f,
        config.trustPassword().map(s -> s.reveal().toCharArray()).orElse(null),
        config.key("trust-file"))).orElse(null);
  }

  /** The key managers; empty for a client without a certificate of its own. */
  public Optional<KeyManagerFactory> keyManagerFactory() {
    return Optional.ofNullable(keyManagers);
  }

  /** The trust managers; empty means the JDK's default CAs (or, on a server, none needed). */
  public Optional<TrustManagerFactory> trustManagerFactory() {
    return Optional.ofNullable(trustManagers);
  }

  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** Whether a client checks that the server's certificate names the host it connects to. */
  public boolean verifiesHostname() {
    return verifyHostname;
  }

  /** The own certificate chain, leaf first; empty for a client without one. */
  public List<X509Certificate> certificateChain() {
    return chain;
  }

  /** The SHA-256 fingerprint of the own certificate, as clients pin it. */
  public Optional<String> fingerprint() {
    return chain.isEmpty() ? Optional.empty()
        : Optional.of(CertificateFingerprint.sha256(chain.get(0)));
  }

  /**
   * A JDK TLS context under the policy (protocols, suites, host name check for clients), for
   * libraries that take an {@link SSLContext}, such as the RabbitMQ client.
   */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
          trustManagers == null ? null : trustManagers.getTrustManagers(), null);
      return new PolicySslContext(context, verifyHostname);
    } catch (GeneralSecurityException e) {
      throw new TlsException("cannot create a TLS context (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Kafka client {@code ssl.*} settings for the same material and policy, plus
   * {@code security.protocol=SSL}: PEM files are passed inline ({@code ssl.keystore.type=PEM}),
   * PKCS#12 stores by location. Kafka needs an unencrypted or PKCS#8-encrypted PEM key.
   */
  public Map<String, String> kafkaProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SSL");
    p.put("ssl.protocol", "TLSv1.3");
    p.put("ssl.enabled.protocols", String.join(",", TlsPolicy.PROTOCOLS));
    p.put("ssl.cipher.suites", String.join(",", TlsPolicy.CIPHER_SUITES));
    p.put("ssl.endpoint.identification.algorithm", verifyHostname ? "https" : "");
    Optional<Path> cert = devCertFile != null ? Optional.of(devCertFile) : files.certFile();
    Optional<Path> key = devKeyFile != null ? Optional.of(devKeyFile) : files.keyFile();
    if (files.keystore().isPresent() && devCertFile == null) {
      p.put("ssl.keystore.type", "PKCS12");
      p.put("ssl.keystore.location", files.keystore().get().toAbsolutePath().toString());
      files.keystorePassword().map(Secret::reveal).ifPresent(s -> {
        p.put("ssl.keystore.password", s);
        p.put("ssl.key.password", s);
      });
    } else if (cert.isPresent() && key.isPresent()) {
      p.put("ssl.keystore.type", "PEM");
      p.put("ssl.keystore.certificate.chain", read(cert.get(), files.key("cert-file")));
      p.put("ssl.keystore.key", read(key.get(), files.key("key-file")));
      files.keyPassword().map(Secret::reveal).ifPresent(s -> p.put("ssl.key.password", s));
    }
    files.trustFile().ifPresent(f -> {
      if (f.getFileName().toString().matches("(?i).*\\.(p12|pfx|jks)$")) {
        p.put("ssl.truststore.type", f.toString().toLowerCase().endsWith(".jks") ? "JKS"
            : "PKCS12");
        p.put("ssl.truststore.location", f.toAbsolutePath().toString());
        files.trustPassword().map(Secret::reveal)
            .ifPresent(s -> p.put("ssl.truststore.password", s));
      } else {
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.certificates", read(f, files.key("trust-file")));
      }
    });
    if (clientAuth != ClientAuth.NONE) {
      p.put("ssl.client.auth", clientAuth == ClientAuth.REQUIRE ? "required" : "requested");
    }
    return p;
  }

  private static String read(Path file, String key) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new TlsException(key + ": cannot read " + file + " (" + e + ")", e);
    }
  }

  @Override
  public String toString() {
    return "TlsMaterial{" + (chain.isEmpty() ? "no certificate"
        : chain.get(0).getSubjectX500Principal() + " SHA-256 " + fingerprint().orElse(""))
        + ", client-auth=" + clientAuth + "}";
  }
}
