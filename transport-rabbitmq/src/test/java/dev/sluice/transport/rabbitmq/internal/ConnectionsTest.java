package dev.sluice.transport.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import dev.sluice.config.Settings;
import dev.sluice.transport.rabbitmq.RabbitMqSettings;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionsTest {

  @Test
  void amqpsUsesTheContextFromTheSeamNotTheClientsTrustAllDefault() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    AtomicInteger asked = new AtomicInteger();
    SslContexts provider = () -> {
      asked.incrementAndGet();
      return context;
    };
    ConnectionFactory f = Connections.factory(RabbitMqSettings.from(
        Settings.of(Map.of("uri", "amqps://u:p@mq.example/vh"))), provider, "test");
    assertThat(asked).hasValue(1);
    assertThat(f.isSSL()).isTrue();
    assertThat(f.getPort()).isEqualTo(5671);
    assertThat(f.getVirtualHost()).isEqualTo("vh");
    assertThat(f.isAutomaticRecoveryEnabled()).isTrue();
    assertThat(f.isTopologyRecoveryEnabled()).isTrue();
  }

  @Test
  void plainAmqpNeverAsksForAContext() {
    SslContexts refusing = () -> {
      throw new AssertionError("no TLS for amqp://");
    };
    ConnectionFactory f = Connections.factory(RabbitMqSettings.defaults(), refusing, "test");
    assertThat(f.isSSL()).isFalse();
    assertThat(f.getPort()).isEqualTo(5672);
  }

  @Test
  void trustStoreFromTheTlsSectionIsLoadedAndAMissingOneIsNamed(@TempDir Path dir)
      throws Exception {
    Path store = dir.resolve("trust.p12");
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    try (OutputStream out = Files.newOutputStream(store)) {
      empty.store(out, "changeit".toCharArray());
    }
    Map<String, Object> tls = Map.of("trust-store", store.toString(),
        "trust-store-password", "changeit");
    RabbitMqSettings withStore = RabbitMqSettings.from(Settings.of(
        Map.of("uri", "amqps://u:p@mq.example/", "tls", tls)));
    ConnectionFactory f = Connections.factory(withStore,
        () -> KeyStoreTls.sslContext(withStore), "test");
    assertThat(f.isSSL()).isTrue();

    Path missing = dir.resolve("missing.p12");
    RabbitMqSettings withMissing = RabbitMqSettings.from(Settings.of(
        Map.of("uri", "amqps://u:p@mq.example/", "tls", Map.of("trust-store", missing.toString()))));
    assertThatThrownBy(() -> Connections.factory(withMissing,
        () -> KeyStoreTls.sslContext(withMissing), "test"))
        .hasMessageContaining("transport.rabbitmq.tls.trust-store " + missing)
        .hasMessageContaining("check the path and the password");
  }
}
