package dev.sluice.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.Settings;
import dev.sluice.security.tls.TlsConfig;
import dev.sluice.security.tls.TlsException;
import dev.sluice.security.tls.TlsMaterial;
import dev.sluice.security.tls.TlsPolicy;
import dev.sluice.transport.kafka.internal.KafkaClientConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {
  @TempDir
  Path dir;

  @Test
  void defaultsAreTheDocumentedOnes() {
    KafkaSettings s = KafkaSettings.from(Settings.empty("transport.kafka"));
    assertThat(s.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(s.topics()).containsExactly("sluice.requests");
    assertThat(s.group()).isEqualTo("sluice");
    assertThat(s.replyTopic()).isEmpty();
    assertThat(s.deadLetterTopic()).contains("sluice.dead-letters");
    assertThat(s.createTopicsAllowed()).isTrue();
    assertThat(s.ordering()).isEqualTo(KafkaSettings.Ordering.KEY);
    assertThat(KafkaClientConfigs.producer(s, "p")).containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true).containsEntry("linger.ms", 0);
    assertThat(KafkaClientConfigs.consumer(s, "c")).containsEntry("group.id", "sluice")
        .containsEntry("enable.auto.commit", false);
  }

  @Test
  void everyProblemIsReportedWithItsKey() {
    Settings bad = Settings.of(Map.of("topics", List.of(), "max-in-flight", 0,
        "ordering", "keys", "tls", Map.of("cert-file", "/c.pem"), "bogus", 1));
    assertThatThrownBy(() -> KafkaSettings.from(bad)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("topics").hasMessageContaining("max-in-flight")
        .hasMessageContaining("ordering").hasMessageContaining("key-file")
        .hasMessageContaining("bogus");
  }

  @Test
  void passThroughMapsWinOverSluiceDefaults() {
    KafkaSettings s = KafkaSettings.from(Settings.of(Map.of(
        "producer", Map.of("linger.ms", 5),
        "consumer", Map.of("max.poll.records", 50),
        "common", Map.of("security.protocol", "SASL_PLAINTEXT"))));
    assertThat(KafkaClientConfigs.producer(s, "p")).containsEntry("linger.ms", "5")
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
    assertThat(KafkaClientConfigs.consumer(s, "c")).containsEntry("max.poll.records", "50");
  }

  /** A certificate and its key as PEM files: the development certificate of {@code dir}. */
  private Path[] certificateAndKey() {
    TlsMaterial.forServer(TlsConfig.defaults("tls"), dir);
    return new Path[] {dir.resolve("tls/dev-cert.pem"), dir.resolve("tls/dev-key.pem")};
  }

  private static SluiceConfig yaml(String text) {
    return SluiceConfig.parse(text, "sluice.yaml");
  }

  private static Map<String, Object> sslOf(SluiceConfig config) {
    return KafkaClientConfigs.tls(KafkaSettings.from(config.transport().settings(),
        config.security()));
  }

  @Test
  void tlsSectionCarriesTheSharedPolicy() {
    Path[] pem = certificateAndKey();
    Map<String, Object> p = sslOf(yaml("""
        transport:
          type: kafka
          kafka:
            tls:
              trust-file: %1$s
              cert-file: %1$s
              key-file: %2$s
        """.formatted(pem[0], pem[1])));
    assertThat(p).containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.enabled.protocols", "TLSv1.3,TLSv1.2")
        .containsEntry("ssl.cipher.suites", String.join(",", TlsPolicy.CIPHER_SUITES))
        .containsEntry("ssl.endpoint.identification.algorithm", "https")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.keystore.type", "PEM");
    assertThat((String) p.get("ssl.cipher.suites")).contains("TLS_AES_128_GCM_SHA256")
        .doesNotContain("CBC").doesNotContain("RC4");
    assertThat((String) p.get("ssl.truststore.certificates")).contains("BEGIN CERTIFICATE");
    assertThat((String) p.get("ssl.keystore.key")).contains("PRIVATE KEY");
  }

  @Test
  void sharedSecurityTlsFillsInWhatTheKafkaSectionLacks() {
    Path[] pem = certificateAndKey();
    String security = """
        security:
          tls:
            trust-file: %s
        """.formatted(pem[0]);
    Map<String, Object> withSection = sslOf(yaml("""
        transport:
          type: kafka
          kafka:
            tls: {enabled: true}
        """ + security));
    assertThat((String) withSection.get("ssl.truststore.certificates"))
        .contains("BEGIN CERTIFICATE");
    assertThat(withSection).containsEntry("ssl.enabled.protocols", "TLSv1.3,TLSv1.2");

    // shared material alone does not switch a plaintext Kafka connection to TLS
    assertThat(sslOf(yaml("""
        transport:
          type: kafka
          kafka: {group: g}
        """ + security))).isEmpty();
    assertThat(sslOf(yaml("""
        transport:
          type: kafka
          kafka:
            tls: {enabled: false}
        """ + security))).isEmpty();
  }

  @Test
  void tlsProblemsNameTheirKeyPathsAndKeepSecretsOut() {
    SluiceConfig config = yaml("""
        transport:
          type: kafka
          kafka:
            tls:
              cert-file: /etc/sluice/client.pem
              key-password: hunter5
              ca-file: /etc/sluice/ca.pem
              verify-hostname: false
        """);
    assertThatThrownBy(() -> KafkaSettings.from(config.transport().settings(),
        config.security()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("transport.kafka.tls.key-file")
        .hasMessageContaining("transport.kafka.tls.ca-file")
        .hasMessageContaining("use trust-file instead of ca-file")
        .hasMessageContaining("transport.kafka.tls.verify-hostname")
        .hasMessageContaining("ssl.endpoint.identification.algorithm")
        .message().doesNotContain("hunter5");

    SluiceConfig sharedBad = yaml("""
        transport:
          type: kafka
          kafka:
            tls: {}
        security:
          tls:
            keystore: /etc/sluice/server.p12
        """);
    assertThatThrownBy(() -> KafkaSettings.from(sharedBad.transport().settings(),
        sharedBad.security()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("security.tls.keystore-password");
  }

  @Test
  void unreadableTlsFileIsNamedWithItsKey() {
    SluiceConfig config = yaml("""
        transport:
          type: kafka
          kafka:
            tls: {trust-file: %s}
        """.formatted(dir.resolve("missing-ca.pem")));
    KafkaSettings s = KafkaSettings.from(config.transport().settings(), config.security());
    assertThatThrownBy(() -> KafkaClientConfigs.tls(s)).isInstanceOf(TlsException.class)
        .hasMessageContaining("transport.kafka.tls.trust-file");
  }

  @Test
  void saslWithTlsUsesSaslSsl() {
    KafkaSettings s = KafkaSettings.from(Settings.of(Map.of("tls", Map.of("enabled", true),
        "common", Map.of("sasl.mechanism", "PLAIN"))));
    assertThat(KafkaClientConfigs.tls(s)).containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void secretsAreMaskedInTheConfigurationDump() {
    SluiceConfig config = SluiceConfig.parse("""
        transport:
          type: kafka
          kafka:
            common:
              sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";
              ssl.truststore.password: hunter3
            tls: {enabled: true, key-password: hunter4}
        """, "test");
    String dump = config.toYaml();
    assertThat(dump).doesNotContain("hunter2").doesNotContain("hunter3")
        .doesNotContain("hunter4");
    assertThat(KafkaSettings.from(config.transport().settings()).toString())
        .doesNotContain("hunter");
  }

  @Test
  void referenceListsEveryKey() {
    String md = KafkaSettings.DEF.toMarkdown();
    assertThat(md).contains("`bootstrap-servers`").contains("`127.0.0.1:9092`")
        .contains("`dead-letter-topic`").contains("`consumer`");
  }
}
