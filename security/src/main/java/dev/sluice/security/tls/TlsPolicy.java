package dev.sluice.security.tls;

import java.util.List;
import javax.net.ssl.SSLParameters;

/**
 * The one TLS policy of every Sluice transport: TLS 1.3 and 1.2 only, the cipher suites of
 * Mozilla's "intermediate" configuration (version 5.7) in their IANA names, and no
 * renegotiation (TLS 1.3 has none; for TLS 1.2 the JDK provider is told to refuse
 * client-initiated renegotiation, and BoringSSL never renegotiates as a server).
 *
 * <p>Transports apply it through {@link TlsMaterial} (the JDK {@link javax.net.ssl.SSLContext}
 * for RabbitMQ, {@link TlsMaterial#kafkaProperties()} for Kafka) or, for Netty, by passing
 * {@link #PROTOCOLS} and {@link #CIPHER_SUITES} to its context builder. Immutable.
 *
 * @see <a href="https://wiki.mozilla.org/Security/Server_Side_TLS">Mozilla Server Side TLS</a>
 */
public final class TlsPolicy {
  /** The protocol versions, newest first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** Mozilla "intermediate": the TLS 1.3 suites, then the TLS 1.2 suites in preference order. */
  public static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** The JDK's switch that refuses TLS 1.2 renegotiation requested by a client. */
  static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  private TlsPolicy() {
  }

  /**
   * Restricts {@code parameters} to the policy: protocols, and those policy suites that
   * {@code supported} offers (a JDK without ChaCha20 simply lacks those).
   */
  public static SSLParameters apply(SSLParameters parameters, String[] supported) {
    parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
    List<String> available = List.of(supported);
    parameters.setCipherSuites(CIPHER_SUITES.stream().filter(available::contains)
        .toArray(String[]::new));
    parameters.setUseCipherSuitesOrder(true);
    return parameters;
  }

  /**
   * Tells the JDK provider to refuse client-initiated renegotiation, unless the operator set the
   * property already. The JDK reads it once, when its TLS classes load, so transports call this
   * before they create their first JDK {@code SSLContext}; {@link TlsMaterial} does so itself.
   */
  public static void refuseRenegotiation() {
    if (System.getProperty(REJECT_RENEGOTIATION) == null) {
      System.setProperty(REJECT_RENEGOTIATION, "true");
    }
  }
}
