package dev.sluice.internal.config;

import static dev.sluice.internal.config.CoreConfigDefs.*;

import dev.sluice.config.ProcessorConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SluiceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The effective configuration as YAML: what the server runs with, defaults included, secrets
 * masked (by key name, and passwords inside URLs). Reads back with {@link SluiceConfig#parse}.
 */
public final class ConfigDump {
  private ConfigDump() {}

  /** Backs {@link SluiceConfig#toYaml()}. */
  public static String toYaml(SluiceConfig config) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setSplitLines(false);
    return new Yaml(options).dump(toMap(config));
  }

  static Map<String, Object> toMap(SluiceConfig config) {
    Map<String, Object> root = new LinkedHashMap<>();

    Map<String, Object> server = new LinkedHashMap<>();
    server.put(SERVER_NAME.name(), config.server().name());
    server.put(DATA_DIRECTORY.name(), DATA_DIRECTORY.print(config.server().dataDirectory()));
    server.put(PLUGINS_DIRECTORY.name(),
        PLUGINS_DIRECTORY.print(config.server().pluginsDirectory()));
    server.put(DRAIN_TIMEOUT.name(), DRAIN_TIMEOUT.print(config.server().drainTimeout()));
    root.put(SERVER.name(), server);

    Map<String, Object> transport = new LinkedHashMap<>();
    transport.put(TRANSPORT_TYPE.name(), config.transport().type());
    transport.put(config.transport().type(), config.transport().settings().toMap());
    root.put(TRANSPORT.name(), transport);

    List<Object> processors = new ArrayList<>();
    for (ProcessorConfig p : config.processors()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(PROCESSOR_NAME.name(), p.name());
      m.put(PROCESSOR_PLUGIN.name(), p.processor());
      m.put(PROCESSOR_TYPES.name(), p.types());
      m.put(CONCURRENCY.name(), p.concurrency());
      m.put(QUEUE_CAPACITY.name(), p.queueCapacity());
      m.put(PROCESSOR_TIMEOUT.name(), PROCESSOR_TIMEOUT.print(p.timeout()));
      m.put(ORDERING.name(), ORDERING.print(p.ordering()));
      m.put(EXECUTION.name(), EXECUTION.print(p.execution()));
      m.put(PROCESSOR_SETTINGS.name(), p.settings().toMap());
      Map<String, Object> retry = new LinkedHashMap<>();
      retry.put(MAX_ATTEMPTS.name(), p.retry().maxAttempts());
      retry.put(INITIAL_BACKOFF.name(), INITIAL_BACKOFF.print(p.retry().initialBackoff()));
      retry.put(MAX_BACKOFF.name(), MAX_BACKOFF.print(p.retry().maxBackoff()));
      retry.put(MULTIPLIER.name(), p.retry().multiplier());
      retry.put(JITTER.name(), p.retry().jitter());
      m.put(PROCESSOR_RETRY.name(), retry);
      m.put(PROCESSOR_BREAKER.name(), PROCESSOR_BREAKER_KEYS.dump(p.circuitBreaker()));
      processors.add(m);
    }
    root.put(PROCESSORS.name(), processors);

    List<Object> routes = new ArrayList<>();
    for (RouteConfig r : config.routes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(ROUTE_TYPES.name(), r.types());
      m.put(ROUTE_PROCESSORS.name(), r.processors());
      m.put(MERGE.name(), MERGE.print(r.merge()));
      r.timeout().ifPresent(t -> m.put(ROUTE_TIMEOUT.name(), ROUTE_TIMEOUT.print(t)));
      routes.add(m);
    }
    root.put(ROUTES.name(), routes);

    root.put(STORE.name(), config.store().toMap());
    root.put(SECURITY.name(), config.security().toMap());
    root.put(ADMIN.name(), config.admin().toMap());
    Map<String, Object> resilience = new LinkedHashMap<>();
    resilience.put(RESILIENCE_STORE.name(), dependency(config.resilience().store()));
    resilience.put(RESILIENCE_OUTBOUND.name(), dependency(config.resilience().outbound()));
    root.put(RESILIENCE.name(), resilience);
    return root;
  }

  private static Map<String, Object> dependency(dev.sluice.config.DependencyPolicy policy) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(CALL_TIMEOUT.name(), CALL_TIMEOUT.print(policy.callTimeout()));
    m.put(DEPENDENCY_BREAKER.name(), DEPENDENCY_BREAKER_KEYS.dump(policy.breaker()));
    return m;
  }
}
