package dev.sluice.security.tls.internal;

import dev.sluice.security.tls.CertificateFingerprint;
import dev.sluice.security.tls.TlsException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development certificate: a self-signed ECDSA P-256 certificate for DNS {@code localhost}
 * and IP {@code 127.0.0.1}, created once in {@code <data>/tls/} and reused while it has more than
 * a day to live. Written to temporary files and moved into place, so two servers starting
 * together never read half a file.
 */
public final class DevCertificate {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.security.tls");
  static final String CERT = "dev-cert.pem";
  static final String KEY = "dev-key.pem";
  private static final Duration VALIDITY = Duration.ofDays(365);

  private final Path certFile;
  private final Path keyFile;
  private final List<X509Certificate> chain;
  private final PrivateKey key;

  private DevCertificate(Path certFile, Path keyFile, List<X509Certificate> chain,
      PrivateKey key) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.chain = chain;
    this.key = key;
  }

  /** Where the certificate lives under a data directory (it may not exist yet). */
  public static Path certFile(Path dataDirectory) {
    return dataDirectory.resolve("tls").resolve(CERT);
  }

  /** Loads the certificate under {@code dataDirectory}, creating it first when needed. */
  public static synchronized DevCertificate loadOrCreate(Path dataDirectory) {
    Path dir = dataDirectory.resolve("tls");
    Path cert = dir.resolve(CERT);
    Path key = dir.resolve(KEY);
    if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
      List<X509Certificate> chain = PemFiles.certificates(cert, "development certificate");
      Instant expires = chain.get(0).getNotAfter().toInstant();
      if (expires.isAfter(Instant.now().plus(Duration.ofDays(1)))) {
        DevCertificate existing = new DevCertificate(cert, key, chain,
            PemFiles.privateKey(key, null, "development key"));
        LOG.warn("TLS uses the self-signed development certificate {} (SHA-256 {}); configure "
            + "cert-file and key-file for production", cert, existing.fingerprint());
        return existing;
      }
      LOG.info("the development certificate {} expires {}; creating a new one", cert, expires);
    }
    DevCertificate created = create(dir, cert, key);
    LOG.warn("created a self-signed development TLS certificate for localhost and 127.0.0.1 in "
        + "{} with SHA-256 fingerprint {}; clients on other machines can pin it, and production "
        + "servers should configure cert-file and key-file", cert, created.fingerprint());
    return created;
  }

  private static DevCertificate create(Path dir, Path certFile, Path keyFile) {
    try {
      Files.createDirectories(dir);
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=localhost, O=Sluice development certificate");
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
          new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject,
          pair.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      writeAtomically(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
      writeAtomically(certFile, pem(cert), false);
      return new DevCertificate(certFile, keyFile, List.of(cert), pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new TlsException("cannot create the development certificate in " + dir + " (" + e
          + "); check that the data directory is writable, or configure cert-file and key-file",
          e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static void writeAtomically(Path target, String content, boolean secret)
      throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try {
      if (secret) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: the directory's own protection applies
        }
      }
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
        w.write(content);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public Path certFile() {
    return certFile;
  }

  public Path keyFile() {
    return keyFile;
  }

  public List<X509Certificate> chain() {
    return chain;
  }

  public PrivateKey key() {
    return key;
  }

  public String fingerprint() {
    return CertificateFingerprint.sha256(chain.get(0));
  }
}
