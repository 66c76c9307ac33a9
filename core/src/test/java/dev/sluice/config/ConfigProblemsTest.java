package dev.sluice.config;

import static dev.sluice.config.ConfigTesting.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of mistake in the file, and the exact text the user reads. */
class ConfigProblemsTest {

  @Test
  void reportsMisspeltKeyWithLineAndSuggestion() {
    assertThat(problems("""
        processors:
          - name: echo
            types: [ping]
            timout: 5s
        """)).containsExactly(
            "line 4: processors[0].timout: unknown key; did you mean 'timeout'?");
  }

  @Test
  void suggestsKeyWrittenInAnotherCase() {
    assertThat(problems("server:\n  dataDirectory: /tmp/x\n")).containsExactly(
        "line 2: server.dataDirectory: unknown key; did you mean 'data-directory'?");
  }

  @Test
  void listsValidKeysWhenNothingIsClose() {
    assertThat(problems("server:\n  colour: blue\n")).containsExactly(
        "line 2: server.colour: unknown key; valid keys: name, data-directory,"
            + " plugins-directory, drain-timeout");
  }

  @Test
  void reportsUnknownTopLevelKeyWithSuggestion() {
    assertThat(problems("processor:\n  - name: x\n")).containsExactly(
        "line 1: processor: unknown key; did you mean 'processors'?");
  }

  @Test
  void reportsWrongTypeWithValueAndExpectation() {
    assertThat(problems("""
        processors:
          - name: echo
            types: [ping]
            concurrency: lots
        """)).containsExactly(
            "line 4: processors[0].concurrency: expected a whole number, got 'lots'");
  }

  @Test
  void reportsValueBelowMinimumInsteadOfClamping() {
    assertThat(problems("""
        processors:
          - name: echo
            types: [ping]
            concurrency: 0
            queue-capacity: -5
        """)).containsExactly(
            "line 4: processors[0].concurrency: expected at least 1, got 0",
            "line 5: processors[0].queue-capacity: expected at least 1, got -5");
  }

  @Test
  void reportsMissingRequiredValuesAtTheirEntry() {
    assertThat(problems("""
        processors:
          - concurrency: 2
          - name:
            types: [a]
        """)).containsExactly(
            "line 2: processors[0].name: missing required value (string): The unique name of"
                + " this processor, in metrics, logs and routes.",
            "line 2: processors[0].types: missing required value (list of strings): The event"
                + " types routed to it.",
            "line 3: processors[1].name: missing required value (string): The unique name of"
                + " this processor, in metrics, logs and routes.");
  }

  @Test
  void reportsBadEnumValueWithAllowedValues() {
    assertThat(problems("""
        processors:
          - name: echo
            types: [ping]
            ordering: random
        routes:
          - types: [ping]
            processors: [echo]
            merge: first_sucess
        """)).containsExactly(
            "line 4: processors[0].ordering: expected one of none, partition-key, got 'random'",
            "line 8: routes[0].merge: expected one of all, first-success, got 'first_sucess';"
                + " did you mean 'first-success'?");
  }

  @Test
  void namesTheLineOfAMisspelledExecution() {
    assertThat(problems("""
        processors:
          - name: echo
            types: [ping]
            execution: in-line
        """)).containsExactly("line 4: processors[0].execution: expected one of workers, inline,"
            + " got 'in-line'; did you mean 'inline'?");
  }

  @Test
  void acceptsEnumValuesInAnyCase() {
    assertThat(ConfigTesting.parse("""
        processors:
          - name: echo
            types: [ping]
            ordering: PARTITION_KEY
        """).processors().get(0).ordering()).isEqualTo(Ordering.PARTITION_KEY);
  }

  @Test
  void reportsDuplicateYamlKey() {
    assertThat(problems("""
        server:
          name: a
          drain-timeout: 5s
          name: b
        """)).containsExactly(
            "line 4: server.name: duplicate key; 'name' is already set on line 2 (keep one of"
                + " them)");
  }

  @Test
  void reportsMalformedYamlWithLine() {
    assertThatThrownBy(() -> SluiceConfig.parse("""
        server:
          name: a
         bad: [unclosed
        """, "sluice.yaml", Map.of()))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).startsWith("not valid YAML: ");
          });
          assertThat(e.getCause()).isNotNull();
        });
  }

  @Test
  void reportsSecondDocumentInFile() {
    assertThat(problems("server:\n  name: a\n---\nserver:\n  name: b\n")).containsExactly(
        "line 3: not valid YAML: expected a single document in the stream but found another"
            + " document");
  }

  @Test
  void reportsTopLevelListAsWrongShape() {
    assertThat(problems("- a\n- b\n")).containsExactly("line 1: expected a map of sections"
        + " (server, transport, processors, ...) at the top of the file, got a list");
  }

  @Test
  void reportsBareNumberDurationWithUnitHint() {
    assertThat(problems("server:\n  drain-timeout: 30\n")).containsExactly(
        "line 2: server.drain-timeout: expected a duration such as 500ms, 30s, 5m, 1h, 2d or"
            + " PT30S, got '30': a number needs a unit (write 30s for seconds)");
  }

  @Test
  void reportsZeroAndMalformedDurations() {
    assertThat(problems("""
        processors:
          - name: a
            types: [x]
            timeout: 0s
          - name: b
            types: [x]
            timeout: soon
        """)).containsExactly(
            "line 4: processors[0].timeout: expected longer than 0s, got 0s",
            "line 7: processors[1].timeout: expected a duration such as 500ms, 30s, 5m, 1h, 2d"
                + " or PT30S, got 'soon'");
  }

  @Test
  void reportsInvalidTypePatterns() {
    assertThat(problems("""
        processors:
          - name: a
            types: [orders.**]
          - name: b
            types: [or*ders]
          - name: c
            types: []
        """)).containsExactly(
            "line 3: processors[0].types: 'orders.**' is not a valid event type pattern:"
                + " expected an exact type such as 'orders.created', a prefix such as"
                + " 'orders.*', or '*' (letters, digits, '.', '-', '_', and '*' only as the last"
                + " segment)",
            "line 5: processors[1].types: 'or*ders' is not a valid event type pattern:"
                + " expected an exact type such as 'orders.created', a prefix such as"
                + " 'orders.*', or '*' (letters, digits, '.', '-', '_', and '*' only as the last"
                + " segment)",
            "line 7: processors[2].types: expected a non-empty list, got an empty list");
  }

  @Test
  void reportsDuplicateProcessorName() {
    assertThat(problems("""
        processors:
          - name: echo
            types: [a]
          - name: echo
            types: [b]
        """)).containsExactly("line 4: processors[1].name: duplicate processor name 'echo':"
            + " already used on line 2; names must be unique");
  }

  @Test
  void reportsRouteToUnknownProcessorWithSuggestion() {
    assertThat(problems("""
        processors:
          - name: orders
            types: [orders.*]
          - name: audit
            types: ["*"]
        routes:
          - types: [orders.*]
            processors: [order, audit, billing, audit]
        """)).containsExactly(
            "line 8: routes[0].processors: unknown processor 'order'; did you mean 'orders'?",
            "line 8: routes[0].processors: unknown processor 'billing'; configured processors:"
                + " orders, audit",
            "line 8: routes[0].processors: processor 'audit' is listed twice; list each"
                + " processor once");
  }

  @Test
  void reportsSectionOfWrongShape() {
    assertThat(problems("""
        server: fast
        processors:
          - name: a
            types: [x]
          - just-a-name
        transport:
          type: netty
          netty: 7400
        """)).containsExactly(
            "line 1: server: expected a map of settings, got 'fast'",
            "line 5: processors[1]: expected a map, got 'just-a-name'",
            "line 8: transport.netty: expected a map of settings, got '7400'");
  }

  @Test
  void reportsEveryProblemAtOnceInFileOrder() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> SluiceConfig.parse("""
            server:
              nme: edge
              drain-timeout: 10
            transport:
              typ: kafka
            processors:
              - name: a
                types: [x]
                concurrency: many
            routes:
              - types: [x]
                processors: [b]
            extra: 1
            """, "conf/sluice.yaml", Map.of()));

    assertThat(e.origin()).isEqualTo("conf/sluice.yaml");
    assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(),
        "conf/sluice.yaml: 6 problems",
        "  line 2: server.nme: unknown key; did you mean 'name'?",
        "  line 3: server.drain-timeout: expected a duration such as 500ms, 30s, 5m, 1h, 2d or"
            + " PT30S, got '10': a number needs a unit (write 10s for seconds)",
        "  line 5: transport.typ: unknown key; did you mean 'type'?",
        "  line 9: processors[0].concurrency: expected a whole number, got 'many'",
        "  line 12: routes[0].processors: unknown processor 'b'; configured processors: a",
        "  line 13: extra: unknown key; valid keys: server, transport, processors, routes,"
            + " store, security, admin, resilience"));
  }
}
