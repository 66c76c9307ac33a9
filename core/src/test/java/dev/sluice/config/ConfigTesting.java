package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

/** Helpers: parse YAML and get the problems as users read them. */
final class ConfigTesting {
  private ConfigTesting() {}

  static SluiceConfig parse(String yaml) {
    return SluiceConfig.parse(yaml, "sluice.yaml", Map.of());
  }

  static SluiceConfig parse(String yaml, Map<String, String> env) {
    return SluiceConfig.parse(yaml, "sluice.yaml", env);
  }

  /** Each problem as printed: {@code "line 3: processors[0].timout: unknown key; ..."}. */
  static List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  static List<String> problems(String yaml, Map<String, String> env) {
    ConfigException[] caught = new ConfigException[1];
    assertThatThrownBy(() -> SluiceConfig.parse(yaml, "sluice.yaml", env))
        .isInstanceOfSatisfying(ConfigException.class, e -> caught[0] = e);
    return caught[0].problems().stream().map(ConfigProblem::toString).toList();
  }
}
