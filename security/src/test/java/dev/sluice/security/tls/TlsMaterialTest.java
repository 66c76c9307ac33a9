package dev.sluice.security.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Settings;
import dev.sluice.security.tls.internal.DevCertificate;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
  @TempDir
  Path dir;

  @Test
  void createsTheDevelopmentCertificateOnceForLocalhostAndLoopback() throws Exception {
    TlsMaterial first = TlsMaterial.forServer(TlsConfig.defaults("tls"), dir);
    X509Certificate cert = first.certificateChain().get(0);
    List<Object> names = cert.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1))
        .toList();
    assertThat(names).containsExactlyInAnyOrder("localhost", "127.0.0.1");
    assertThat(Files.readString(dir.resolve("tls/dev-key.pem")))
        .startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.getPosixFilePermissions(dir.resolve("tls/dev-key.pem")))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(first.fingerprint()).hasValueSatisfying(f -> assertThat(f)
        .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));

    TlsMaterial again = TlsMaterial.forServer(TlsConfig.defaults("tls"), dir);
    assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
  }

  @Test
  void aClientSharingTheDataDirectoryTrustsTheDevelopmentCertificateAndChecksTheName()
      throws Exception {
    TlsMaterial server = TlsMaterial.forServer(TlsConfig.defaults("tls"), dir);
    TlsMaterial client = TlsMaterial.forClient(ClientTrust.defaults(dir),
        TlsConfig.defaults("client"));
    assertThat(talk(server.sslContext(), client.sslContext(), "localhost")).isEqualTo("TLSv1.3");
    assertThat(talk(server.sslContext(), client.sslContext(), "127.0.0.1")).isEqualTo("TLSv1.3");

    TlsMaterial stranger = TlsMaterial.forClient(ClientTrust.defaults(dir.resolve("other")),
        TlsConfig.defaults("client"));
    assertThat(talk(server.sslContext(), stranger.sslContext(), "localhost"))
        .startsWith("failed");
    TlsMaterial pinned = TlsMaterial.forClient(ClientTrust.pinned(server.fingerprint().get()),
        TlsConfig.defaults("client"));
    assertThat(talk(server.sslContext(), pinned.sslContext(), "localhost")).isEqualTo("TLSv1.3");
    TlsMaterial wrongPin = TlsMaterial.forClient(ClientTrust.pinned("AB".repeat(32)),
        TlsConfig.defaults("client"));
    assertThat(talk(server.sslContext(), wrongPin.sslContext(), "localhost"))
        .startsWith("failed");
  }

  /** Connects a JDK client to a JDK server; returns the protocol or "failed: ...". */
  private static String talk(SSLContext server, SSLContext client, String host)
      throws Exception {
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.startHandshake();
          InputStream in = s.getInputStream();
          in.read();
        } catch (Exception e) {
          // the client's failure is what the test reports
        }
      });
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(host,
          listener.getLocalPort())) {
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        out.write(1);
        out.flush();
        return s.getSession().getProtocol();
      } catch (Exception e) {
        return "failed: " + e;
      } finally {
        accepted.get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void engineFromTheContextFollowsThePolicy() {
    SSLEngine engine = TlsMaterial.forServer(TlsConfig.defaults("tls"), dir).sslContext()
        .createSSLEngine();
    assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(TlsPolicy.CIPHER_SUITES).containsAll(List.of(engine.getEnabledCipherSuites()));
    assertThat(engine.getEnabledCipherSuites()).contains("TLS_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assertThat(System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation"))
        .isEqualTo("true");
  }

  @Test
  void loadsPemAndPkcs12KeyMaterialAndRejectsAKeyOfAnotherCertificate() throws Exception {
    DevCertificate a = DevCertificate.loadOrCreate(dir.resolve("a"));
    DevCertificate b = DevCertificate.loadOrCreate(dir.resolve("b"));
    TlsMaterial pem = TlsMaterial.forServer(TlsConfig.from(Settings.of(Map.of(
        "cert-file", a.certFile().toString(), "key-file", a.keyFile().toString(),
        "trust-file", b.certFile().toString(), "client-auth", "require"))), dir);
    assertThat(pem.fingerprint()).contains(a.fingerprint());
    assertThat(pem.clientAuth()).isEqualTo(ClientAuth.REQUIRE);
    assertThat(pem.trustManagerFactory()).isPresent();

    Path p12 = dir.resolve("server.p12");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", b.key(), "pw".toCharArray(),
        b.chain().toArray(new X509Certificate[0]));
    try (OutputStream out = Files.newOutputStream(p12)) {
      store.store(out, "pw".toCharArray());
    }
    TlsMaterial pkcs12 = TlsMaterial.forServer(TlsConfig.from(Settings.of(Map.of(
        "keystore", p12.toString(), "keystore-password", "pw"))), dir);
    assertThat(pkcs12.fingerprint()).contains(b.fingerprint());

    assertThatThrownBy(() -> TlsMaterial.forServer(TlsConfig.from(Settings.of(Map.of(
        "cert-file", a.certFile().toString(), "key-file", b.keyFile().toString()))), dir))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("key-file").hasMessageContaining("does not belong to");
    assertThatThrownBy(() -> TlsMaterial.forServer(TlsConfig.from(Settings.of(Map.of(
        "cert-file", dir.resolve("missing.pem").toString(), "key-file", "x"))), dir))
        .isInstanceOf(TlsException.class).hasMessageContaining("cert-file: cannot read");
  }

  @Test
  void kafkaPropertiesCarryThePemMaterialAndThePolicy() {
    DevCertificate a = DevCertificate.loadOrCreate(dir.resolve("a"));
    Map<String, String> p = TlsMaterial.forClient(TlsConfig.from(Settings.of(Map.of(
        "cert-file", a.certFile().toString(), "key-file", a.keyFile().toString(),
        "trust-file", a.certFile().toString())))).kafkaProperties();
    assertThat(p).containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.enabled.protocols", "TLSv1.3,TLSv1.2")
        .containsEntry("ssl.keystore.type", "PEM").containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.endpoint.identification.algorithm", "https");
    assertThat(p.get("ssl.keystore.key")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(p.get("ssl.cipher.suites")).startsWith("TLS_AES_128_GCM_SHA256,");
  }

  @Test
  void configProblemsAreReportedTogetherWithTheirKeys() {
    assertThatThrownBy(() -> TlsConfig.from(Settings.of(Map.of("cert-file", "a.pem",
        "keystore", "b.p12", "client-auth", "require", "clientauth", "x"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key-file").hasMessageContaining("not both")
        .hasMessageContaining("keystore-password").hasMessageContaining("trust-file")
        .hasMessageContaining("clientauth");
  }

  @Test
  void fingerprintsParseWithOrWithoutColons() {
    byte[] a = CertificateFingerprint.parse("ab".repeat(32));
    byte[] b = CertificateFingerprint.parse(String.join(":", java.util.Collections.nCopies(32,
        "AB")));
    assertThat(a).isEqualTo(b).hasSize(32);
    assertThatThrownBy(() -> CertificateFingerprint.parse("abc"))
        .hasMessageContaining("64 hex digits");
  }

  @Test
  void encryptedPemKeysNeedTheirPassword() throws Exception {
    DevCertificate a = DevCertificate.loadOrCreate(dir.resolve("a"));
    Path encrypted = dir.resolve("enc.pem");
    var encryptor = new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
        org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
        .setPassword("pw".toCharArray()).build();
    try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(
        Files.newBufferedWriter(encrypted, StandardCharsets.US_ASCII))) {
      w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(a.key(), encryptor));
    }
    Map<String, Object> base = Map.of("cert-file", a.certFile().toString(), "key-file",
        encrypted.toString());
    assertThatThrownBy(() -> TlsMaterial.forServer(TlsConfig.from(Settings.of(base)), dir))
        .hasMessageContaining("encrypted").hasMessageContaining("key-password");
    var withPassword = new java.util.HashMap<String, Object>(base);
    withPassword.put("key-password", "pw");
    assertThat(TlsMaterial.forServer(TlsConfig.from(Settings.of(withPassword)), dir)
        .fingerprint()).contains(a.fingerprint());
  }
}
