package dev.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NettySettingsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    NettySettings s = NettySettings.from(Settings.empty("transport.netty"),
        Settings.empty("security"));
    assertThat(s.host()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isEqualTo(7443);
    assertThat(s.tls().enabled()).isTrue();
    assertThat(s.tls().devCertificate()).isTrue();
    assertThat(s.maxFrameBytes()).isEqualTo(1 << 20);
    assertThat(s.engine()).isEqualTo(NettySettings.Engine.AUTO);
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.connections()).isEqualTo(2);
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsKey() {
    assertThatThrownBy(() -> NettySettings.from(Settings.of(Map.of(
        "port", 70000, "max-frame-bytes", 10, "engine", "openssh", "idle-timout", "1s",
        "tls", Map.of("cert-file", "a.pem"),
        "client", Map.of("insecure", true, "pinned-sha256", "AA"))), Settings.empty("security")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("port").hasMessageContaining("70000")
        .hasMessageContaining("max-frame-bytes")
        .hasMessageContaining("did you mean 'openssl'")
        .hasMessageContaining("idle-timout")
        .hasMessageContaining("key-file")
        .hasMessageContaining("choose one of ca-file, pinned-sha256 and insecure");
  }

  @Test
  void tlsMaterialFallsBackToTheSharedSecuritySection() {
    NettySettings s = NettySettings.from(Settings.of(Map.of("tls", Map.of("client-auth",
        "optional"))), Settings.of(Map.of("tls", Map.of("cert-file", "/etc/s.pem",
        "key-file", "/etc/s.key"))));
    assertThat(s.tls().certFile()).hasValueSatisfying(p -> assertThat(p).hasToString(
        "/etc/s.pem"));
    assertThat(s.tls().clientAuth()).isEqualTo(dev.sluice.security.tls.ClientAuth.OPTIONAL);
  }
}
