package dev.sluice.config;

import static dev.sluice.config.ConfigTesting.parse;
import static dev.sluice.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {

  @Test
  void substitutesVariableInsideValue() {
    SluiceConfig config = parse("""
        server:
          name: edge-${REGION}
        transport:
          type: rabbitmq
          rabbitmq:
            uri: amqp://${RABBIT_USER}:${RABBIT_PASSWORD}@localhost/
        """, Map.of("REGION", "eu", "RABBIT_USER", "app", "RABBIT_PASSWORD", "s3cret"));

    assertThat(config.server().name()).isEqualTo("edge-eu");
    assertThat(config.transport().settings().string("uri"))
        .hasValue("amqp://app:s3cret@localhost/");
    assertThat(config.transport().settings().toMap())
        .containsEntry("uri", "amqp://app:[hidden]@localhost/");
  }

  @Test
  void usesDefaultWhenVariableIsUnsetOrEmpty() {
    String yaml = """
        server:
          drain-timeout: ${DRAIN:-45s}
        processors:
          - name: echo
            types: [ping]
            concurrency: ${ECHO_CONCURRENCY:-3}
        """;

    SluiceConfig unset = parse(yaml, Map.of());
    SluiceConfig empty = parse(yaml, Map.of("ECHO_CONCURRENCY", ""));
    SluiceConfig set = parse(yaml, Map.of("ECHO_CONCURRENCY", "12", "DRAIN", "1m"));

    assertThat(unset.server().drainTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(unset.processors().get(0).concurrency()).isEqualTo(3);
    assertThat(empty.processors().get(0).concurrency()).isEqualTo(3);
    assertThat(set.processors().get(0).concurrency()).isEqualTo(12);
    assertThat(set.server().drainTimeout()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void reportsMissingVariableWithKeyLineAndName() {
    assertThat(problems("""
        server:
          name: a
        processors:
          - name: echo
            types: [ping]
            concurrency: ${ECHO_CONCURRENCY}
        """)).containsExactly("line 6: processors[0].concurrency: environment variable"
            + " 'ECHO_CONCURRENCY' is not set; set it, or give a default with"
            + " ${ECHO_CONCURRENCY:-default}");
  }

  @Test
  void keepsDollarBraceWrittenAsDoubleDollar() {
    SluiceConfig config = parse("admin:\n  banner: \"cost: $${PRICE} and $$5\"\n");

    assertThat(config.admin().string("banner")).hasValue("cost: ${PRICE} and $$5");
  }

  @Test
  void reportsMalformedReferences() {
    assertThat(problems("admin:\n  a: ${1BAD}\n  b: ${OPEN\n")).containsExactly(
        "line 2: admin.a: '${1BAD}' is not a valid reference: expected ${NAME} or"
            + " ${NAME:-default} with NAME made of letters, digits and '_'",
        "line 3: admin.b: unclosed '${' in '${OPEN'; write ${NAME} or ${NAME:-default}, or $${"
            + " for a literal ${");
  }

  @Test
  void substitutesInsideListsAndPluginSections() {
    SluiceConfig config = parse("""
        processors:
          - name: echo
            types: ["${TYPE:-ping}", pong]
            settings:
              target: ${TARGET:-localhost}
        """, Map.of("TARGET", "example.org"));

    assertThat(config.processors().get(0).types()).containsExactly("ping", "pong");
    assertThat(config.processors().get(0).settings().string("target"))
        .hasValue("example.org");
  }
}
