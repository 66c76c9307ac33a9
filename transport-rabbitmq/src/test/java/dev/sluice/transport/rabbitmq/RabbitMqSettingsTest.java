package dev.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Settings;
import dev.sluice.config.SluiceConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RabbitMqSettingsTest {

  @Test
  void defaultsReachTheLocalBrokerAndDeriveTheDeadLetterNames() {
    RabbitMqSettings s = RabbitMqSettings.defaults();
    assertThat(s.uri().reveal()).isEqualTo("amqp://guest:guest@127.0.0.1:5672/");
    assertThat(s.queue()).isEqualTo("sluice.requests");
    assertThat(s.queueType()).isEqualTo(RabbitMqSettings.QueueType.CLASSIC);
    assertThat(s.exchange()).isEmpty();
    assertThat(s.prefetch()).isEqualTo(250);
    assertThat(s.deadLetterExchange()).isEqualTo("sluice.requests.dlx");
    assertThat(s.deadLetterQueue()).isEqualTo("sluice.requests.dead");
    assertThat(s.maxInFlight()).isEqualTo(10_000);
    assertThat(s.tlsEnabled()).isFalse();
  }

  @Test
  void readsEverySectionFromYaml() {
    SluiceConfig config = SluiceConfig.parse("""
        transport:
          type: rabbitmq
          rabbitmq:
            uri: amqps://app:s3cret@mq.example:5671/prod
            queue: orders
            queue-type: quorum
            exchange: events
            exchange-type: topic
            routing-keys: [orders.#, refunds.*]
            prefetch: 50
            dead-letter-exchange: failed
            dead-letter-queue: failed.orders
            request-timeout: 5s
            client: {max-in-flight: 100}
            tls: {trust-file: /etc/sluice/broker-ca.pem}
        """, "test");
    RabbitMqSettings s = RabbitMqSettings.from(config.transport().settings());
    assertThat(s.queueType()).isEqualTo(RabbitMqSettings.QueueType.QUORUM);
    assertThat(s.exchange()).contains("events");
    assertThat(s.routingKeys()).containsExactly("orders.#", "refunds.*");
    assertThat(s.prefetch()).isEqualTo(50);
    assertThat(s.deadLetterExchange()).isEqualTo("failed");
    assertThat(s.deadLetterQueue()).isEqualTo("failed.orders");
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.maxInFlight()).isEqualTo(100);
    assertThat(s.tlsEnabled()).as("amqps:// implies TLS").isTrue();
    assertThat(s.tls().trustFile()).contains(java.nio.file.Path.of("/etc/sluice/broker-ca.pem"));
  }

  @Test
  void thePasswordIsMaskedInToStringDescribeAndTheConfigDump() {
    Settings section = Settings.of(Map.of("uri", "amqp://app:s3cret@mq.example:5672/prod"));
    RabbitMqSettings s = RabbitMqSettings.from(section);
    assertThat(s.maskedUri()).isEqualTo("amqp://app:[hidden]@mq.example:5672/prod");
    assertThat(s.toString()).doesNotContain("s3cret").contains("[hidden]");
    RabbitMqSource source = new RabbitMqTransport().createSource(new TestContext(section));
    assertThat(source.describe()).doesNotContain("s3cret")
        .startsWith("amqp://app:[hidden]@mq.example:5672/prod");
    assertThat(source.readiness()).doesNotContain("s3cret");
    assertThat(section.toMap().toString()).doesNotContain("s3cret");
  }

  @Test
  void reportsEveryProblemAtOnceNamingTheKeys() {
    Settings section = Settings.of(Map.of("uri", "http://mq.example/", "prefetch", 0,
        "queue-type", "quorom", "prefetsh", 5, "client", Map.of("max-in-flight", 0)));
    assertThatThrownBy(() -> RabbitMqSettings.from(section))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
            .contains("uri").contains("expected an amqp:// or amqps:// URI")
            .contains("prefetch").contains("expected at least 1, got 0")
            .contains("did you mean 'quorum'")
            .contains("prefetsh")
            .contains("max-in-flight"));
  }

  @Test
  void everySectionIsDeclaredForTheReference() {
    assertThat(RabbitMqSettings.ALL).extracting(d -> d.section()).containsExactly(
        "transport.rabbitmq", "transport.rabbitmq.client");
    assertThat(RabbitMqSettings.DEF.toMarkdown()).contains("`prefetch`").contains("`250`");
    assertThat(List.of(RabbitMqSettings.DEF.toMarkdown())).noneMatch(m -> m.contains("guest:guest@"
        + "127.0.0.1:5672/`"));
  }

  @Test
  void theTlsSeamIsGivenTheTransportContextWhenASourceStarts() throws Exception {
    TestContext context = new TestContext(Settings.of(Map.of("uri",
        "amqps://app:s3cret@127.0.0.1:1/", "connection-timeout", "2s")));
    javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
    ssl.init(null, null, null);
    java.util.List<dev.sluice.spi.TransportContext> asked = new java.util.ArrayList<>();
    RabbitMqSource source = new RabbitMqTransport((settings, ctx) -> {
      asked.add(ctx);
      return ssl;
    }).createSource(context);
    assertThat(asked).as("nothing is asked before start").isEmpty();
    assertThatThrownBy(() -> source.start((event, delivery) -> null))
        .hasMessageContaining("could not connect to RabbitMQ at amqps://app:[hidden]@127.0.0.1:1/")
        .hasMessageNotContaining("s3cret");
    assertThat(asked).containsExactly(context);
    assertThat(source.isReady()).isFalse();
  }

  private record TestContext(Settings settings) implements dev.sluice.spi.TransportContext {
    @Override
    public String serverName() {
      return "test";
    }

    @Override
    public java.nio.file.Path dataDirectory() {
      return java.nio.file.Path.of("");
    }

    @Override
    public io.micrometer.core.instrument.MeterRegistry metrics() {
      return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    }
  }
}
