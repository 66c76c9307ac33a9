package dev.sluice.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.ConfigException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.Settings;
import dev.sluice.transport.kafka.internal.KafkaClientConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
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
        "ordering", "keys", "tls", Map.of("certificate-file", "/c.pem"), "bogus", 1));
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

  @Test
  void tlsSectionMapsOntoKafkaSslProperties() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "CA");
    Path cert = Files.writeString(dir.resolve("c.pem"), "CERT");
    Path key = Files.writeString(dir.resolve("k.pem"), "KEY");
    KafkaSettings s = KafkaSettings.from(Settings.of(Map.of("tls", Map.of("enabled", true,
        "ca-file", ca.toString(), "certificate-file", cert.toString(), "key-file",
        key.toString(), "key-password", "pw", "verify-hostname", false))));
    Map<String, Object> p = KafkaClientConfigs.tls(s);
    assertThat(p).containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.location", ca.toAbsolutePath().toString())
        .containsEntry("ssl.keystore.type", "PEM")
        .containsEntry("ssl.endpoint.identification.algorithm", "");
    assertThat(((Password) p.get("ssl.keystore.key")).value()).isEqualTo("KEY");
    assertThat(((Password) p.get("ssl.key.password")).value()).isEqualTo("pw");
    assertThat(p.get("ssl.key.password").toString()).doesNotContain("pw");
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
