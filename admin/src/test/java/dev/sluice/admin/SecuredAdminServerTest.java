package dev.sluice.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.AuthenticationException;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Principal;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin endpoint bound off loopback (the wildcard address): HTTPS only, HTTP Basic checked
 * by the server's authenticator, and the configured role.
 */
class SecuredAdminServerTest {
  private static final char[] STORE_PASSWORD = "changeit".toCharArray();
  private static SSLContext serverTls;
  private static SSLContext clientTls;

  @TempDir
  static Path keys;

  private SluiceServer server;
  private AdminServer admin;
  private HttpClient https;

  /** A self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
  @BeforeAll
  static void certificate() throws Exception {
    Path store = keys.resolve("admin.p12");
    Process keytool = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "admin", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=sluice-admin-test", "-ext", "san=ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, STORE_PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, STORE_PASSWORD);
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("admin", keyStore.getCertificate("admin"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);
  }

  /** Two users: "ops" with role admin, "dev" without. */
  private static final Authenticator USERS = new Authenticator() {
    @Override
    public boolean required() {
      return true;
    }

    @Override
    public CompletionStage<Principal> login(String username, char[] password, String remote) {
      boolean ok = Arrays.equals(password, "s3cret".toCharArray());
      if (ok && username.equals("ops")) {
        return CompletableFuture.completedFuture(Principal.of("ops", "admin"));
      }
      if (ok && username.equals("dev")) {
        return CompletableFuture.completedFuture(Principal.of("dev", "developer"));
      }
      return CompletableFuture.failedFuture(
          new AuthenticationException("wrong user name or password"));
    }

    @Override
    public Principal certificate(X509Certificate[] chain) throws AuthenticationException {
      throw new AuthenticationException("no certificates here");
    }
  };

  @BeforeEach
  void start() {
    server = SluiceServer.builder(SluiceConfig.parse(
            "transport: {type: memory, memory: {address: admin-secured}}", "t", Map.of()))
        .plugins(Plugins.of(new AdminServerTest.TestPlugin()))
        .metrics(AdminServer.newRegistry()).build();
    https = HttpClient.newBuilder().sslContext(clientTls)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close();
    }
    server.stop(Duration.ofSeconds(5));
  }

  private AdminServer startOpen() throws Exception {
    server.start();
    admin = AdminServer.builder(server)
        .config(new AdminConfig(true, "0.0.0.0", 0, false, false, "admin"))
        .sslContext(serverTls).authenticator(USERS).build();
    admin.start();
    return admin;
  }

  private URI local(String scheme, String path) {
    return URI.create(scheme + "://127.0.0.1:" + admin.address().getPort() + path);
  }

  private HttpResponse<String> get(String path, String user, String password) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(local("https", path))
        .timeout(Duration.ofSeconds(20));
    if (user != null) {
      request.header("Authorization", "Basic " + Base64.getEncoder()
          .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesAnAuthorizedUserOverHttps() throws Exception {
    startOpen();

    HttpResponse<String> ready = get("/health/ready", "ops", "s3cret");
    HttpResponse<String> metrics = get("/metrics", "ops", "s3cret");

    assertThat(admin.uri().getScheme()).isEqualTo("https");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"status\" : \"UP\"");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(PrometheusText.parse(metrics.body()).has("jvm_threads_live_threads")).isTrue();
  }

  @Test
  void challengesMissingOrWrongCredentials() throws Exception {
    startOpen();

    HttpResponse<String> none = get("/metrics", null, null);
    HttpResponse<String> wrong = get("/health/ready", "ops", "guess");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .contains("Basic realm=\"sluice-admin\", charset=\"UTF-8\"");
    assertThat(wrong.statusCode()).isEqualTo(401);
  }

  @Test
  void forbidsAUserWithoutTheAdminRole() throws Exception {
    startOpen();

    assertThat(get("/metrics", "dev", "s3cret").statusCode()).isEqualTo(403);
  }

  @Test
  void servesNoPlainHttp() throws Exception {
    startOpen();
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(local("http", "/health/live"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void refusesToStartOffLoopbackWithoutAnAuthenticator() throws Exception {
    server.start();
    AdminServer noAuth = AdminServer.builder(server)
        .config(new AdminConfig(true, "0.0.0.0", 0, false, false, "admin"))
        .sslContext(serverTls).build();

    assertThatThrownBy(noAuth::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("the admin endpoint may bind admin.host '0.0.0.0' (not loopback) only with"
            + " authentication, and the server has no authenticator; configure users"
            + " (security) or bind admin.host: 127.0.0.1");
  }
}
