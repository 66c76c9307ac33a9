package dev.sluice.transport.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.config.Settings;
import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.security.tls.TlsException;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.TransportContext;
import dev.sluice.testkit.RabbitMqService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to the broker from the shared policy. The local broker has no TLS listener, so this checks
 * the context the transport builds, how settings problems are reported, and that amqps:// to a
 * plaintext port fails promptly with a clear error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RabbitMqTlsTest {

  @TempDir
  Path directory;

  @Test
  void theContextFromTheSharedPolicyOffersOnlyTls13And12AndChecksTheHostName() throws Exception {
    Context context = context("""
        uri: amqps://guest:guest@mq.example/
        """, "");
    SSLContext ssl = TlsContextProvider.shared()
        .sslContext(RabbitMqSettings.from(context.settings()), context);

    SSLEngine engine = ssl.createSSLEngine("mq.example", 5671);
    assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm())
        .isEqualTo("HTTPS");
    try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket()) {
      assertThat(socket.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }
  }

  @Test
  void settingsProblemsOfBothTlsSectionsAreReportedWithTheirKeyPaths() {
    Context ownProblem = context("""
        uri: amqps://guest:guest@mq.example/
        tls: {cert-file: client.pem, trust-flie: ca.pem}
        """, "");
    assertThatThrownBy(() -> new RabbitMqTransport().createSource(ownProblem))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
            .contains("transport.rabbitmq.tls.key-file")
            .contains("trust-flie"));

    Context sharedProblem = context("""
        uri: amqps://guest:guest@mq.example/
        """, "tls: {keystore: server.p12}");
    assertThatThrownBy(() -> new RabbitMqTransport().createClient(sharedProblem))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
            .contains("security.tls.keystore-password"));

    Path missing = directory.resolve("missing-ca.pem");
    Context missingFile = context("""
        uri: amqps://guest:guest@mq.example/
        tls: {trust-file: %s}
        """.formatted(missing), "");
    assertThatThrownBy(() -> TlsContextProvider.shared()
        .sslContext(RabbitMqSettings.from(missingFile.settings()), missingFile))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("transport.rabbitmq.tls.trust-file")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void amqpsToAPlaintextPortFailsPromptlyWithAClearError() throws Exception {
    RabbitMqService rabbit = RabbitMqService.get();
    String uri = "amqps://" + rabbit.username() + ":" + rabbit.password() + "@" + rabbit.host()
        + ":" + rabbit.port() + "/";
    Context context = context("""
        uri: %s
        queue: %s
        connection-timeout: 5s
        """.formatted(uri, rabbit.newQueueName()), "");

    RabbitMqSource source = new RabbitMqTransport().createSource(context);
    long start = System.nanoTime();
    assertThatThrownBy(() -> source.start((event, delivery) -> null))
        .hasMessageContaining("could not connect to RabbitMQ at amqps://")
        .hasMessageNotContaining(rabbit.password() + "@");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(source.isReady()).isFalse();

    try (EventClient client = new RabbitMqTransport().createClient(context)) {
      Result r = client.send(RabbitServers.event(RabbitServers.ECHO, "x"), Duration.ofSeconds(60))
          .toCompletableFuture().get(40, TimeUnit.SECONDS);
      assertThat(r.status()).as("%s", r).isEqualTo(Status.UNAVAILABLE);
      assertThat(r.errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("RabbitMQ"));
    }
  }

  private Context context(String rabbitmq, String security) {
    SluiceConfig config = SluiceConfig.parse("""
        transport:
          type: rabbitmq
          rabbitmq:
        %s
        security:
        %s
        """.formatted(rabbitmq.indent(4), security.indent(2)), "test");
    return new Context(config.transport().settings(), config.security(), directory);
  }

  private record Context(Settings settings, Settings security, Path dataDirectory)
      implements TransportContext {
    @Override
    public String serverName() {
      return "tls-test";
    }

    @Override
    public MeterRegistry metrics() {
      return new SimpleMeterRegistry();
    }
  }
}
