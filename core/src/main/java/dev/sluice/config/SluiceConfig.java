package dev.sluice.config;

import dev.sluice.internal.config.ConfigDump;
import dev.sluice.internal.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole configuration file, bound and validated.
 *
 * <pre>{@code
 * SluiceConfig config = SluiceConfig.load(Path.of("conf/sluice.yaml"));
 * }</pre>
 *
 * @param server the {@code server} section
 * @param transport the {@code transport} section
 * @param processors the {@code processors} list
 * @param routes the {@code routes} list (fan-out)
 * @param store the {@code store} section, read by the store plugin
 * @param security the {@code security} section, read by the security module
 * @param admin the {@code admin} section, read by the admin endpoint
 * @param resilience the {@code resilience} section: breakers of the outbound dependencies
 */
public record SluiceConfig(ServerConfig server, TransportConfig transport,
    List<ProcessorConfig> processors, List<RouteConfig> routes, Settings store,
    Settings security, Settings admin, ResilienceConfig resilience) {

  /** A configuration with the default {@code resilience} section. */
  public SluiceConfig(ServerConfig server, TransportConfig transport,
      List<ProcessorConfig> processors, List<RouteConfig> routes, Settings store,
      Settings security, Settings admin) {
    this(server, transport, processors, routes, store, security, admin,
        ResilienceConfig.DEFAULT);
  }

  public SluiceConfig {
    Objects.requireNonNull(resilience, "resilience");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(transport, "transport");
    processors = List.copyOf(processors);
    routes = List.copyOf(routes);
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(admin, "admin");
  }

  /**
   * Reads, substitutes and binds {@code file}.
   *
   * @throws ConfigException with every problem found, or when the file cannot be read
   */
  public static SluiceConfig load(Path file) {
    return ConfigLoader.load(file, System.getenv());
  }

  /**
   * Binds YAML text, substituting {@code ${ENV}} from the process environment.
   *
   * @param origin names the text in problems, such as the file it came from
   * @throws ConfigException with every problem found
   */
  public static SluiceConfig parse(String yaml, String origin) {
    return parse(yaml, origin, System.getenv());
  }

  /** Binds YAML text, substituting {@code ${ENV}} from {@code env}. */
  public static SluiceConfig parse(String yaml, String origin, Map<String, String> env) {
    return ConfigLoader.parse(yaml, origin, env);
  }

  /** The configuration of an empty file: every default. */
  public static SluiceConfig defaults() {
    return parse("", "defaults", Map.of());
  }

  /**
   * The effective configuration as YAML, defaults filled in and secrets masked (passwords inside
   * URLs too), for {@code sluice config check} and startup logs.
   */
  public String toYaml() {
    return ConfigDump.toYaml(this);
  }
}
