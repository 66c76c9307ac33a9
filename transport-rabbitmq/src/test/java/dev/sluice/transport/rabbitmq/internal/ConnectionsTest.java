package dev.sluice.transport.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.ConnectionFactory;
import dev.sluice.config.Settings;
import dev.sluice.transport.rabbitmq.RabbitMqSettings;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

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
}
