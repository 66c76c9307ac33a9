package dev.sluice.security.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SHA-256 fingerprint of a certificate's DER encoding, as {@code openssl x509 -fingerprint
 * -sha256} prints it: 32 upper-case hex byte pairs separated by colons. Clients pin a server's
 * certificate with it ({@code transport.netty.client.pinned-sha256}).
 */
public final class CertificateFingerprint {
  private static final HexFormat COLONS = HexFormat.ofDelimiter(":").withUpperCase();

  private CertificateFingerprint() {
  }

  /** The fingerprint of {@code certificate}, e.g. {@code 3F:A1:...:09}. */
  public static String sha256(X509Certificate certificate) {
    try {
      return COLONS.formatHex(digest(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new TlsException("cannot encode certificate " + certificate.getSubjectX500Principal()
          + " to compute its fingerprint", e);
    }
  }

  /**
   * The 32 bytes of a fingerprint written with or without colons or spaces, in either case.
   *
   * @throws IllegalArgumentException when it is not 64 hex digits
   */
  public static byte[] parse(String fingerprint) {
    String hex = fingerprint.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
    if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new IllegalArgumentException("expected a SHA-256 fingerprint of 64 hex digits "
          + "(colons allowed), got '" + fingerprint + "'");
    }
    return HexFormat.of().parseHex(hex);
  }

  static byte[] digest(byte[] der) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(der);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Whether {@code certificate} has the fingerprint {@code expected} (32 bytes). */
  public static boolean matches(X509Certificate certificate, byte[] expected) {
    try {
      return MessageDigest.isEqual(digest(certificate.getEncoded()), expected);
    } catch (CertificateEncodingException e) {
      return false;
    }
  }
}
