package dev.sluice.config;

import java.util.List;
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
 */
public record SluiceConfig(ServerConfig server, TransportConfig transport,
    List<ProcessorConfig> processors, List<RouteConfig> routes, Settings store,
    Settings security, Settings admin) {
  public SluiceConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(transport, "transport");
    processors = List.copyOf(processors);
    routes = List.copyOf(routes);
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(admin, "admin");
  }
}
