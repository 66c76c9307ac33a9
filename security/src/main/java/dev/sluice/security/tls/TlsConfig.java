package dev.sluice.security.tls;

import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code tls} section: where a server's (or a client's) key material and trusted certificates
 * come from. The same section is read as {@code security.tls} (material shared by every
 * transport) and inside a transport's section ({@code transport.netty.tls}); a transport uses its
 * own material when it has some, and the shared one otherwise ({@link #orShared}).
 *
 * <pre>{@code
 * transport:
 *   netty:
 *     tls:
 *       cert-file: /etc/sluice/server.pem      # the certificate chain, leaf first (PEM)
 *       key-file: /etc/sluice/server-key.pem   # its private key (PEM: PKCS#8 or PKCS#1)
 *       trust-file: /etc/sluice/clients-ca.pem # CAs of client certificates
 *       client-auth: optional
 * }</pre>
 *
 * <p>Key material is either {@code cert-file} + {@code key-file} (PEM) or {@code keystore}
 * (PKCS#12). With neither, and {@code dev-certificate} left on, a server generates a self-signed
 * certificate for {@code localhost} and {@code 127.0.0.1} into its data directory on first start
 * and logs its SHA-256 fingerprint. Immutable.
 */
public final class TlsConfig {
  public static final ConfigKey<Boolean> ENABLED = ConfigKey.bool("enabled").defaultValue(true)
      .doc("Whether the transport uses TLS. Turning it off sends events and passwords in clear "
          + "text; the netty transport then listens only on a loopback address unless "
          + "plaintext-beyond-loopback is set too.");
  public static final ConfigKey<Path> CERT_FILE = ConfigKey.path("cert-file")
      .doc("PEM file with the certificate chain, leaf first. Needs key-file.");
  public static final ConfigKey<Path> KEY_FILE = ConfigKey.path("key-file")
      .doc("PEM file with the private key of cert-file: PKCS#8 (BEGIN PRIVATE KEY or BEGIN "
          + "ENCRYPTED PRIVATE KEY) or PKCS#1/SEC1 (BEGIN RSA/EC PRIVATE KEY).");
  public static final ConfigKey<Secret> KEY_PASSWORD = ConfigKey.secret("key-password")
      .doc("Password of an encrypted key-file.");
  public static final ConfigKey<Path> KEYSTORE = ConfigKey.path("keystore")
      .doc("PKCS#12 file with the private key and its certificate chain, instead of "
          + "cert-file and key-file.");
  public static final ConfigKey<Secret> KEYSTORE_PASSWORD = ConfigKey.secret("keystore-password")
      .doc("Password of the keystore (and of the key in it).");
  public static final ConfigKey<Path> TRUST_FILE = ConfigKey.path("trust-file")
      .doc("Trusted CA certificates: a PEM file (one or more certificates) or a PKCS#12 trust "
          + "store (.p12, .pfx). A server checks client certificates against it.");
  public static final ConfigKey<Secret> TRUST_PASSWORD = ConfigKey.secret("trust-password")
      .doc("Password of a PKCS#12 trust-file.");
  public static final ConfigKey<ClientAuth> CLIENT_AUTH =
      ConfigKey.enumeration("client-auth", ClientAuth.class).defaultValue(ClientAuth.NONE)
          .doc("Whether a server asks clients for a certificate: none, optional (a client "
              + "without one may log in with a password) or require.");
  public static final ConfigKey<Boolean> DEV_CERTIFICATE = ConfigKey.bool("dev-certificate")
      .defaultValue(true)
      .doc("When no key material is configured, generate a self-signed certificate for "
          + "localhost and 127.0.0.1 into the data directory (tls/dev-cert.pem) on first start, "
          + "for development. Clients on the same machine trust it through the same data "
          + "directory; others pin its logged SHA-256 fingerprint.");

  /** The {@code tls} section, as it appears in {@code security.tls} and in transports. */
  public static final ConfigDef DEF = ConfigDef.section("tls",
          "TLS key material and trust, in security.tls (shared by every transport) or in a "
              + "transport's own section such as transport.netty.tls. Protocols (TLS 1.3, 1.2) "
              + "and cipher suites (Mozilla intermediate) are fixed by policy.")
      .define(ENABLED).define(CERT_FILE).define(KEY_FILE).define(KEY_PASSWORD).define(KEYSTORE)
      .define(KEYSTORE_PASSWORD).define(TRUST_FILE).define(TRUST_PASSWORD).define(CLIENT_AUTH)
      .define(DEV_CERTIFICATE);

  private final String path;
  private final boolean enabled;
  private final Path certFile;
  private final Path keyFile;
  private final Secret keyPassword;
  private final Path keystore;
  private final Secret keystorePassword;
  private final Path trustFile;
  private final Secret trustPassword;
  private final ClientAuth clientAuth;
  private final boolean devCertificate;

  private TlsConfig(String path, boolean enabled, Path certFile, Path keyFile,
      Secret keyPassword, Path keystore, Secret keystorePassword, Path trustFile,
      Secret trustPassword, ClientAuth clientAuth, boolean devCertificate) {
    this.path = path;
    this.enabled = enabled;
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.keyPassword = keyPassword;
    this.keystore = keystore;
    this.keystorePassword = keystorePassword;
    this.trustFile = trustFile;
    this.trustPassword = trustPassword;
    this.clientAuth = clientAuth;
    this.devCertificate = devCertificate;
  }

  /**
   * Binds and checks a {@code tls} section, reporting every problem at once: unknown keys,
   * {@code cert-file} without {@code key-file} (or the reverse), PEM and PKCS#12 both given,
   * {@code client-auth: require} without a {@code trust-file}.
   *
   * @throws ConfigException naming each key path and line
   */
  public static TlsConfig from(Settings settings) {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues values = DEF.bind(settings, problems);
    TlsConfig config = new TlsConfig(settings.path(), values.get(ENABLED),
        values.get(CERT_FILE), values.get(KEY_FILE), values.get(KEY_PASSWORD),
        values.get(KEYSTORE), values.get(KEYSTORE_PASSWORD), values.get(TRUST_FILE),
        values.get(TRUST_PASSWORD), values.get(CLIENT_AUTH), values.get(DEV_CERTIFICATE));
    config.validate(settings, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(settings.origin(), problems);
    }
    return config;
  }

  private void validate(Settings s, List<ConfigProblem> problems) {
    if ((certFile == null) != (keyFile == null)) {
      String missing = certFile == null ? "cert-file" : "key-file";
      problems.add(new ConfigProblem(key(missing), s.line(),
          "cert-file and key-file go together; add " + missing + " or remove the other"));
    }
    if (certFile != null && keystore != null) {
      problems.add(new ConfigProblem(key("keystore"), s.line("keystore"),
          "give either cert-file and key-file (PEM) or keystore (PKCS#12), not both"));
    }
    if (keystore != null && keystorePassword == null) {
      problems.add(new ConfigProblem(key("keystore-password"), s.line("keystore"),
          "a PKCS#12 keystore needs keystore-password"));
    }
    if (clientAuth == ClientAuth.REQUIRE && trustFile == null) {
      problems.add(new ConfigProblem(key("trust-file"), s.line("client-auth"),
          "client-auth: require needs trust-file, the CAs that sign client certificates"));
    }
  }

  /** A section with every default: TLS on, no material (so a development certificate). */
  public static TlsConfig defaults(String path) {
    return from(Settings.empty(path));
  }

  /**
   * This section, with the key material and trust of {@code shared} ({@code security.tls}) when
   * this one has no key material of its own. {@code enabled} and {@code client-auth} stay this
   * section's.
   */
  public TlsConfig orShared(TlsConfig shared) {
    boolean ownKeys = hasKeyMaterial();
    boolean ownTrust = trustFile != null;
    return new TlsConfig(path, enabled,
        ownKeys ? certFile : shared.certFile, ownKeys ? keyFile : shared.keyFile,
        ownKeys ? keyPassword : shared.keyPassword, ownKeys ? keystore : shared.keystore,
        ownKeys ? keystorePassword : shared.keystorePassword,
        ownTrust ? trustFile : shared.trustFile, ownTrust ? trustPassword : shared.trustPassword,
        clientAuth, devCertificate);
  }

  /** The path of the section, such as {@code transport.netty.tls}, for messages. */
  public String path() {
    return path;
  }

  /** The full path of one of its keys, for messages. */
  public String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public boolean enabled() {
    return enabled;
  }

  public Optional<Path> certFile() {
    return Optional.ofNullable(certFile);
  }

  public Optional<Path> keyFile() {
    return Optional.ofNullable(keyFile);
  }

  public Optional<Secret> keyPassword() {
    return Optional.ofNullable(keyPassword);
  }

  public Optional<Path> keystore() {
    return Optional.ofNullable(keystore);
  }

  public Optional<Secret> keystorePassword() {
    return Optional.ofNullable(keystorePassword);
  }

  public Optional<Path> trustFile() {
    return Optional.ofNullable(trustFile);
  }

  public Optional<Secret> trustPassword() {
    return Optional.ofNullable(trustPassword);
  }

  public ClientAuth clientAuth() {
    return clientAuth;
  }

  public boolean devCertificate() {
    return devCertificate;
  }

  /** Whether PEM files or a keystore are configured (here or, after {@link #orShared}, there). */
  public boolean hasKeyMaterial() {
    return certFile != null || keystore != null;
  }

  @Override
  public String toString() {
    return "TlsConfig{" + path + ", enabled=" + enabled + ", cert-file=" + certFile().orElse(null)
        + ", keystore=" + keystore().orElse(null) + ", trust-file=" + trustFile().orElse(null)
        + ", client-auth=" + clientAuth + "}";
  }
}
