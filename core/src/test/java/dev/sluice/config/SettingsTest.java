package dev.sluice.config;

import static dev.sluice.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private static Settings processorSettings(String body) {
    String indented = body.lines().map(l -> "      " + l).reduce("", (a, b) -> a + b + "\n");
    return parse("processors:\n  - name: p\n    types: [t]\n    settings:\n" + indented)
        .processors().get(0).settings();
  }

  @Test
  void readsTypedValues() {
    Settings s = processorSettings("""
        rate: 0.5
        count: 12
        big: 9000000000
        enabled: true
        pause: 250ms
        label: hello
        hosts: [a, b]
        one-host: c
        nested:
          depth: 2
        bindings:
          - queue: q1
          - queue: q2
        """);

    assertThat(s.path()).isEqualTo("processors[0].settings");
    assertThat(s.keys()).containsExactly("rate", "count", "big", "enabled", "pause", "label",
        "hosts", "one-host", "nested", "bindings");
    assertThat(s.decimal("rate", 0)).isEqualTo(0.5);
    assertThat(s.integer("count", 0)).isEqualTo(12);
    assertThat(s.longValue("big", 0)).isEqualTo(9_000_000_000L);
    assertThat(s.bool("enabled", false)).isTrue();
    assertThat(s.duration("pause", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(s.string("label", "x")).isEqualTo("hello");
    assertThat(s.strings("hosts")).containsExactly("a", "b");
    assertThat(s.strings("one-host")).containsExactly("c");
    assertThat(s.section("nested").integer("depth", 0)).isEqualTo(2);
    assertThat(s.section("nested").path()).isEqualTo("processors[0].settings.nested");
    assertThat(s.sections("bindings")).extracting(b -> b.string("queue").orElseThrow())
        .containsExactly("q1", "q2");
    assertThat(s.sections("bindings").get(1).path())
        .isEqualTo("processors[0].settings.bindings[1]");
    assertThat(s.line("count")).isEqualTo(6);
    assertThat(s.line("absent")).isZero();
  }

  @Test
  void returnsDefaultsWhenAbsent() {
    Settings s = Settings.empty("transport.memory");

    assertThat(s.path()).isEqualTo("transport.memory");
    assertThat(s.has("x")).isFalse();
    assertThat(s.integer("x", 7)).isEqualTo(7);
    assertThat(s.duration("x", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.strings("x")).isEmpty();
    assertThat(s.secret("x")).isEmpty();
    assertThat(s.section("x").path()).isEqualTo("transport.memory.x");
    assertThat(s.sections("x")).isEmpty();
  }

  @Test
  void throwsOnWrongTypeNamingPathAndLine() {
    Settings s = processorSettings("""
        rate: high
        count: 1.5
        enabled: maybe
        pause: 10
        hosts: {a: 1}
        """);

    assertThatThrownBy(() -> s.decimal("rate", 0)).isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("line 5: processors[0].settings.rate: expected a number,"
            + " got 'high'");
    assertThatThrownBy(() -> s.integer("count", 0))
        .hasMessageEndingWith("line 6: processors[0].settings.count: expected a whole number,"
            + " got '1.5'");
    assertThatThrownBy(() -> s.bool("enabled", false))
        .hasMessageEndingWith("line 7: processors[0].settings.enabled: expected true or false,"
            + " got 'maybe'");
    assertThatThrownBy(() -> s.duration("pause", Duration.ZERO))
        .hasMessageContaining("line 8: processors[0].settings.pause: expected a duration");
    assertThatThrownBy(() -> s.strings("hosts"))
        .hasMessageEndingWith("line 9: processors[0].settings.hosts: expected a list of"
            + " strings, got a map");
    assertThatThrownBy(() -> s.string("hosts"))
        .hasMessageEndingWith("processors[0].settings.hosts: expected a string, got a map");
  }

  @Test
  void requireOnlyReportsEveryUnknownKeyWithSuggestion() {
    Settings s = processorSettings("""
        fail-rate: 0.1
        pase: 1s
        colour: red
        """);

    assertThatThrownBy(() -> s.requireOnly(Set.of("fail-rate", "pause")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(ConfigProblem::toString).containsExactly(
                "line 6: processors[0].settings.pase: unknown key; did you mean 'pause'?",
                "line 7: processors[0].settings.colour: unknown key; valid keys: fail-rate,"
                    + " pause"));
  }

  @Test
  void masksSecretsInToMap() {
    Settings s = Settings.of(Map.of(
        "uri", "amqp://guest:guest@rabbit:5672/vhost",
        "url", "https://example.org/path",
        "db-password", "pw",
        "apiToken", 12345,
        "client-secret", Map.of("id", "x"),
        "port", 5672,
        "ratio", 0.5,
        "tls", true,
        "hosts", List.of("kafka://u:p@a:9092", "b:9092")));

    Map<String, Object> map = s.toMap();

    assertThat(map).containsEntry("uri", "amqp://guest:[hidden]@rabbit:5672/vhost")
        .containsEntry("url", "https://example.org/path")
        .containsEntry("db-password", "[hidden]")
        .containsEntry("apiToken", "[hidden]")
        .containsEntry("client-secret", Map.of("id", "[hidden]"))
        .containsEntry("port", 5672)
        .containsEntry("ratio", 0.5)
        .containsEntry("tls", true)
        .containsEntry("hosts", List.of("kafka://u:[hidden]@a:9092", "b:9092"));
    assertThat(s.toString()).doesNotContain("guest@").doesNotContain("pw");
  }

  @Test
  void secretIsHiddenWhenPrinted() {
    Settings s = Settings.of(Map.of("password", "hunter2"));

    assertThat(s.secret("password").orElseThrow().reveal()).isEqualTo("hunter2");
    assertThat(s.secret("password").orElseThrow()).hasToString("[hidden]");
  }

  @Test
  void programmaticSettingsHaveNoLines() {
    Settings s = Settings.of(Map.of("pause", Duration.ofMillis(1500), "n", 3));

    assertThat(s.duration("pause", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(s.integer("n", 0)).isEqualTo(3);
    assertThat(s.line("n")).isZero();
    assertThatThrownBy(() -> s.bool("n", false)).hasMessageEndingWith(
        "n: expected true or false, got '3'");
  }
}
