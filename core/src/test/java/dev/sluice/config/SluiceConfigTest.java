package dev.sluice.config;

import static dev.sluice.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SluiceConfigTest {

  static final String FULL = """
      server:
        name: edge-1
        data-directory: /var/lib/sluice
        plugins-directory: ext
        drain-timeout: 1m30s
      transport:
        type: rabbitmq
        netty:
          port: 7400
        rabbitmq:
          uri: amqp://guest:guest@localhost:5672/
          prefetch: 100
      processors:
        - name: orders
          processor: order-validator
          types: [orders.created, orders.updated]
          concurrency: 4
          queue-capacity: 64
          timeout: 500ms
          ordering: partition-key
          settings:
            fail-rate: 0.25
        - name: audit
          types: "*"
      routes:
        - types: [orders.*]
          processors: [orders, audit]
          merge: first-success
          timeout: PT2S
      store:
        url: jdbc:mysql://root:pw@127.0.0.1:3306/test
      security:
        users:
          - name: alice
            password: wonderland
      admin:
        port: 9090
      """;

  @Test
  void bindsFullFileToRecords() {
    SluiceConfig config = parse(FULL);

    assertThat(config.server()).isEqualTo(new ServerConfig("edge-1", Path.of("/var/lib/sluice"),
        Path.of("ext"), Duration.ofSeconds(90)));
    assertThat(config.transport().type()).isEqualTo("rabbitmq");
    assertThat(config.transport().settings().path()).isEqualTo("transport.rabbitmq");
    assertThat(config.transport().settings().integer("prefetch", 0)).isEqualTo(100);
    assertThat(config.transport().settings().line("prefetch")).isEqualTo(12);
    assertThat(config.processors()).containsExactly(
        new ProcessorConfig("orders", "order-validator", List.of("orders.created",
            "orders.updated"), 4, 64, Duration.ofMillis(500), Ordering.PARTITION_KEY,
            Settings.of(Map.of("fail-rate", 0.25))),
        new ProcessorConfig("audit", "audit", List.of("*"), 8, 1024, Duration.ofSeconds(30),
            Ordering.NONE, Settings.empty("processors[1].settings")));
    assertThat(config.processors().get(0).settings().path())
        .isEqualTo("processors[0].settings");
    assertThat(config.processors().get(0).settings().decimal("fail-rate", 0)).isEqualTo(0.25);
    assertThat(config.routes()).containsExactly(new RouteConfig(List.of("orders.*"),
        List.of("orders", "audit"), MergeMode.FIRST_SUCCESS, Optional.of(Duration.ofSeconds(2))));
    assertThat(config.store().string("url")).hasValue("jdbc:mysql://root:pw@127.0.0.1:3306/test");
    assertThat(config.security().sections("users").get(0).secret("password").orElseThrow()
        .reveal()).isEqualTo("wonderland");
    assertThat(config.admin().integer("port", 0)).isEqualTo(9090);
  }

  @Test
  void emptyFileGivesEveryDefault() {
    SluiceConfig config = SluiceConfig.defaults();

    assertThat(config).isEqualTo(parse(""));
    assertThat(config).isEqualTo(parse("# nothing here\n"));
    assertThat(config.server()).isEqualTo(new ServerConfig("sluice", Path.of("data"),
        Path.of("plugins"), Duration.ofSeconds(30)));
    assertThat(config.transport().type()).isEqualTo("netty");
    assertThat(config.transport().settings().path()).isEqualTo("transport.netty");
    assertThat(config.transport().settings().keys()).isEmpty();
    assertThat(config.processors()).isEmpty();
    assertThat(config.routes()).isEmpty();
    assertThat(config.store().path()).isEqualTo("store");
    assertThat(config.security().keys()).isEmpty();
    assertThat(config.admin().keys()).isEmpty();
  }

  @Test
  void emptySectionsAndEmptyTransportSectionGiveDefaults() {
    SluiceConfig config = parse("server:\ntransport:\n  type: kafka\nprocessors: []\n");

    assertThat(config.server().name()).isEqualTo("sluice");
    assertThat(config.transport().type()).isEqualTo("kafka");
    assertThat(config.transport().settings().path()).isEqualTo("transport.kafka");
    assertThat(config.transport().settings().keys()).isEmpty();
  }

  @Test
  void processorDefaultsToItsNameAndSettingsAreEmpty() {
    ProcessorConfig p = parse("processors:\n  - name: echo\n    types: [ping]\n")
        .processors().get(0);

    assertThat(p.processor()).isEqualTo("echo");
    assertThat(p.concurrency()).isEqualTo(8);
    assertThat(p.queueCapacity()).isEqualTo(1024);
    assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.ordering()).isEqualTo(Ordering.NONE);
    assertThat(p.execution()).isEqualTo(Execution.WORKERS);
    assertThat(p.settings().keys()).isEmpty();
  }

  @Test
  void aProcessorThatNeverBlocksMayRunInline() {
    ProcessorConfig p = parse("processors:\n  - name: echo\n    types: [ping]\n"
        + "    execution: inline\n").processors().get(0);

    assertThat(p.execution()).isEqualTo(Execution.INLINE);
  }

  @Test
  void acceptsYamlAnchorsAndMergeKeys() {
    SluiceConfig config = parse("""
        processors:
          - &base
            name: a
            types: [x]
            concurrency: 2
          - <<: *base
            name: b
        """);

    assertThat(config.processors()).extracting(ProcessorConfig::name, ProcessorConfig::concurrency)
        .containsExactly(tuple("a", 2), tuple("b", 2));
  }

  @Test
  void loadsFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sluice.yaml");
    Files.writeString(file, "server:\n  name: from-file\n", StandardCharsets.UTF_8);

    assertThat(SluiceConfig.load(file).server().name()).isEqualTo("from-file");
  }

  @Test
  void reportsMissingFileByNameWithWhatToDo(@TempDir Path dir) {
    Path file = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> SluiceConfig.load(file))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.origin()).isEqualTo(file.toString());
          assertThat(e.problems()).singleElement().hasToString("file not found; create it (an"
              + " empty file runs with every default, see docs/configuration.md) or pass the"
              + " path of an existing file");
        })
        .hasMessageStartingWith(file + ": 1 problem");
  }

  @Test
  void reportsDirectoryInsteadOfFile(@TempDir Path dir) {
    assertThatThrownBy(() -> SluiceConfig.load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is a directory; pass the path of the YAML file");
  }

  @Test
  void masksKafkaSecretsThatHideUnderOtherNames() {
    SluiceConfig config = SluiceConfig.parse("""
        transport:
          type: kafka
          kafka:
            common:
              sasl.jaas.config: PlainLoginModule required username="u" password="hunter2";
              ssl.keystore.key: PRIVATE-KEY-PEM
        """, "test");

    String yaml = config.toYaml();

    assertThat(yaml).doesNotContain("hunter2").doesNotContain("PRIVATE-KEY-PEM")
        .contains("sasl.jaas.config: '[hidden]'");
  }

  @Test
  void dumpsEffectiveConfigurationWithSecretsMasked() {
    SluiceConfig config = parse(FULL);

    String yaml = config.toYaml();

    assertThat(yaml)
        .contains("uri: amqp://guest:[hidden]@localhost:5672/")
        .contains("url: jdbc:mysql://root:[hidden]@127.0.0.1:3306/test")
        .contains("password: '[hidden]'")
        .contains("drain-timeout: 1m30s")
        .contains("ordering: partition-key")
        .contains("merge: first-success")
        .doesNotContain("wonderland")
        .doesNotContain(":guest@")
        .doesNotContain(":pw@");
    assertThat(parse(yaml).processors()).isEqualTo(config.processors());
    assertThat(parse(yaml).routes()).isEqualTo(config.routes());
    assertThat(parse(yaml).server()).isEqualTo(config.server());
  }

  @Test
  void dumpOfDefaultsReadsBackAsDefaults() {
    assertThat(parse(SluiceConfig.defaults().toYaml())).isEqualTo(SluiceConfig.defaults());
  }
}
