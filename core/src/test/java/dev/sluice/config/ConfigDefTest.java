package dev.sluice.config;

import static dev.sluice.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A plugin declaring and validating its own section, as a transport would. */
class ConfigDefTest {
  static final ConfigKey<String> URI = ConfigKey.string("uri").required()
      .doc("The broker address.");
  static final ConfigKey<Integer> PREFETCH = ConfigKey.integer("prefetch").defaultValue(250)
      .validator(Validator.atLeast(1)).doc("Unacknowledged messages the broker may push.");
  static final ConfigKey<Duration> HEARTBEAT = ConfigKey.duration("heartbeat")
      .defaultValue(Duration.ofSeconds(60)).doc("Heartbeat interval.");
  static final ConfigKey<Secret> PASSWORD = ConfigKey.secret("password").doc("Its password.");
  static final ConfigDef DEF = ConfigDef.section("transport.rabbitmq", "The RabbitMQ transport.")
      .define(URI).define(PREFETCH).define(HEARTBEAT).define(PASSWORD);

  private static Settings transportSection(String body) {
    return parse("transport:\n  type: rabbitmq\n  rabbitmq:\n" + body.indent(4))
        .transport().settings();
  }

  @Test
  void bindsDeclaredKeysWithDefaults() {
    ConfigValues values = DEF.bind(transportSection("uri: amqp://localhost/\npassword: pw\n"));

    assertThat(values.get(URI)).isEqualTo("amqp://localhost/");
    assertThat(values.get(PREFETCH)).isEqualTo(250);
    assertThat(values.get(HEARTBEAT)).isEqualTo(Duration.ofMinutes(1));
    assertThat(values.get(PASSWORD).reveal()).isEqualTo("pw");
  }

  @Test
  void pluginSectionReportsEveryProblemWithFileAndLine() {
    Settings section = transportSection("prefetch: 0\nheartbeat: often\nprefech: 3\n");

    assertThatThrownBy(() -> DEF.bind(section))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.origin()).isEqualTo("sluice.yaml");
          assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
              "line 6: transport.rabbitmq.prefech: unknown key; did you mean 'prefetch'?",
              "line 3: transport.rabbitmq.uri: missing required value (string): The broker"
                  + " address.",
              "line 4: transport.rabbitmq.prefetch: expected at least 1, got 0",
              "line 5: transport.rabbitmq.heartbeat: expected a duration such as 500ms, 30s,"
                  + " 5m, 1h, 2d or PT30S, got 'often'");
        });
  }

  @Test
  void rejectsKeyDefinedTwice() {
    assertThatThrownBy(() -> DEF.define(ConfigKey.integer("prefetch")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefetch is already defined in transport.rabbitmq");
  }

  @Test
  void printsReferenceTable() {
    assertThat(DEF.toMarkdown()).isEqualTo("""
        ## `transport.rabbitmq`

        The RabbitMQ transport.

        | Key | Type | Default | Description |
        |-----|------|---------|-------------|
        | `uri` | string |  | The broker address. Required. |
        | `prefetch` | integer | `250` | Unacknowledged messages the broker may push. Must be \
        at least 1. |
        | `heartbeat` | duration | `1m` | Heartbeat interval. |
        | `password` | secret |  | Its password. |
        """);
  }
}
