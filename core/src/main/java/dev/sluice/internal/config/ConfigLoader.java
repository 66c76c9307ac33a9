package dev.sluice.internal.config;

import static dev.sluice.internal.config.CoreConfigDefs.*;

import dev.sluice.internal.config.CoreConfigDefs.BreakerKeys;

import dev.sluice.config.BreakerPolicy;
import dev.sluice.config.ConfigException;
import dev.sluice.config.DependencyPolicy;
import dev.sluice.config.ResilienceConfig;
import dev.sluice.config.RetryPolicy;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.ProcessorConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.Settings;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.TransportConfig;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the configuration file: compose (with lines), substitute {@code ${ENV}}, bind each
 * section against its declarations, then the cross-field checks. Every problem of every step is
 * collected and thrown as one {@link ConfigException}.
 */
public final class ConfigLoader {
  private final String origin;
  private final List<ConfigProblem> problems = new ArrayList<>();

  private ConfigLoader(String origin) {
    this.origin = origin;
  }

  /** Backs {@link SluiceConfig#load}. */
  public static SluiceConfig load(Path file, Map<String, String> env) {
    String origin = file.toString();
    String text;
    try {
      if (Files.isDirectory(file)) {
        throw new ConfigException(origin, new ConfigProblem("", 0, "is a directory; pass the"
            + " path of the YAML file, such as conf/sluice.yaml"));
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw withCause(new ConfigException(origin, new ConfigProblem("", 0, "file not found;"
          + " create it (an empty file runs with every default, see docs/configuration.md) or"
          + " pass the path of an existing file")), e);
    } catch (AccessDeniedException e) {
      throw withCause(new ConfigException(origin, new ConfigProblem("", 0, "cannot read the"
          + " file: permission denied; make it readable by the user that runs sluice")), e);
    } catch (CharacterCodingException e) {
      throw withCause(new ConfigException(origin, new ConfigProblem("", 0, "the file is not"
          + " UTF-8 text; save it as UTF-8")), e);
    } catch (IOException e) {
      throw withCause(new ConfigException(origin, new ConfigProblem("", 0, "cannot read the"
          + " file: " + e + "; check the path and its permissions")), e);
    }
    return parse(text, origin, env);
  }

  /** Backs {@link SluiceConfig#parse(String, String, Map)}. */
  public static SluiceConfig parse(String yaml, String origin, Map<String, String> env) {
    return new ConfigLoader(origin).bind(yaml, env);
  }

  private SluiceConfig bind(String yaml, Map<String, String> env) {
    YamlComposer.Result composed = YamlComposer.compose(yaml, env, problems);
    Settings root = new NodeSettings(origin, "", composed.root());
    ConfigValues top = ROOT.bind(root, problems);

    ServerConfig server = server(orEmpty(top.get(SERVER), SERVER.name()));
    TransportConfig transport = transport(orEmpty(top.get(TRANSPORT), TRANSPORT.name()));
    List<ProcessorConfig> processors = new ArrayList<>();
    Map<String, Integer> processorNames = new LinkedHashMap<>();
    List<Settings> processorSections = listOrEmpty(top.get(PROCESSORS));
    for (Settings section : processorSections) {
      processor(section, processorNames).ifPresent(processors::add);
    }
    List<RouteConfig> routes = new ArrayList<>();
    for (Settings section : listOrEmpty(top.get(ROUTES))) {
      route(section, processorNames.keySet()).ifPresent(routes::add);
    }
    Settings store = orEmpty(top.get(STORE), STORE.name());
    Settings security = orEmpty(top.get(SECURITY), SECURITY.name());
    Settings admin = orEmpty(top.get(ADMIN), ADMIN.name());
    ResilienceConfig resilience = resilience(orEmpty(top.get(RESILIENCE), RESILIENCE.name()));

    if (!problems.isEmpty()) {
      ConfigException e =
          new ConfigException(origin, ordered(problems, composed.unresolved()));
      throw composed.cause() == null ? e : withCause(e, composed.cause());
    }
    return new SluiceConfig(server, transport, processors, routes, store, security, admin,
        resilience);
  }

  private ResilienceConfig resilience(Settings section) {
    ConfigValues v = RESILIENCE_DEF.bind(section, problems);
    return new ResilienceConfig(
        dependency(STORE_RESILIENCE_DEF, orEmpty(v.get(RESILIENCE_STORE),
            section.path() + "." + RESILIENCE_STORE.name())),
        dependency(OUTBOUND_RESILIENCE_DEF, orEmpty(v.get(RESILIENCE_OUTBOUND),
            section.path() + "." + RESILIENCE_OUTBOUND.name())));
  }

  private DependencyPolicy dependency(dev.sluice.config.ConfigDef def, Settings section) {
    ConfigValues v = def.bind(section, problems);
    Settings breaker = orEmpty(v.get(DEPENDENCY_BREAKER),
        section.path() + "." + DEPENDENCY_BREAKER.name());
    BreakerPolicy policy = breaker(DEPENDENCY_BREAKER_DEF, DEPENDENCY_BREAKER_KEYS, breaker);
    return new DependencyPolicy(v.get(CALL_TIMEOUT), policy);
  }

  /** Binds a circuit-breaker section; its defaults after a problem, which is reported. */
  private BreakerPolicy breaker(dev.sluice.config.ConfigDef def, BreakerKeys keys,
      Settings section) {
    int before = problems.size();
    ConfigValues v = def.bind(section, problems);
    if (problems.size() > before) {
      return keys.defaults();
    }
    int minimum = v.get(keys.minimumCalls);
    int window = v.get(keys.slidingWindow);
    if (minimum > window) {
      String key = keys.minimumCalls.name();
      problems.add(new ConfigProblem(section.path() + "." + key,
          section.line(key) > 0 ? section.line(key) : section.line(),
          "minimum-calls (" + minimum + ") is more than sliding-window (" + window
              + "), so the failure rate would be judged on fewer calls than asked; lower"
              + " minimum-calls or raise sliding-window"));
      return keys.defaults();
    }
    return keys.policy(v);
  }

  private RetryPolicy retry(Settings section) {
    ConfigValues v = RETRY_DEF.bind(section, problems);
    java.time.Duration initial = v.get(INITIAL_BACKOFF);
    java.time.Duration max = v.get(MAX_BACKOFF);
    if (max.compareTo(initial) < 0) {
      problems.add(new ConfigProblem(section.path() + "." + MAX_BACKOFF.name(),
          section.line(MAX_BACKOFF.name()) > 0 ? section.line(MAX_BACKOFF.name())
              : section.line(),
          "max-backoff (" + MAX_BACKOFF.print(max) + ") is shorter than initial-backoff ("
              + INITIAL_BACKOFF.print(initial) + "); raise max-backoff or lower"
              + " initial-backoff"));
      return RetryPolicy.DEFAULT;
    }
    return new RetryPolicy(v.get(MAX_ATTEMPTS), initial, max, v.get(MULTIPLIER), v.get(JITTER));
  }

  private ServerConfig server(Settings section) {
    ConfigValues v = SERVER_DEF.bind(section, problems);
    return new ServerConfig(v.get(SERVER_NAME), v.get(DATA_DIRECTORY), v.get(PLUGINS_DIRECTORY),
        v.get(DRAIN_TIMEOUT));
  }

  private TransportConfig transport(Settings section) {
    ConfigValues v = TRANSPORT_DEF.bind(section, problems);
    String type = v.get(TRANSPORT_TYPE);
    Settings active = Settings.empty(section.path() + "." + type);
    for (String key : section.keys()) {
      if (key.equals(TRANSPORT_TYPE.name())) {
        continue;
      }
      try {
        Settings s = section.section(key);
        if (key.equals(type)) {
          active = s;
        }
      } catch (ConfigException e) {
        Optional<String> meant = Suggestions.closest(key, List.of(TRANSPORT_TYPE.name()));
        if (meant.isPresent()) {
          problems.add(new ConfigProblem(section.path() + "." + key, section.line(key),
              "unknown key; did you mean '" + meant.get() + "'?"));
        } else {
          problems.addAll(e.problems());
        }
      }
    }
    return new TransportConfig(type, active);
  }

  /** Null when the entry has a problem; its name is still recorded for the later checks. */
  private Optional<ProcessorConfig> processor(Settings section, Map<String, Integer> names) {
    int before = problems.size();
    ConfigValues v = PROCESSOR_DEF.bind(section, problems);
    String name = v.get(PROCESSOR_NAME);
    if (name != null) {
      Integer firstLine = names.putIfAbsent(name, section.line(PROCESSOR_NAME.name()));
      if (firstLine != null) {
        problems.add(new ConfigProblem(section.path() + "." + PROCESSOR_NAME.name(),
            section.line(PROCESSOR_NAME.name()), "duplicate processor name '" + name
                + "': already used on line " + firstLine + "; names must be unique"));
      }
    }
    Settings retrySection = v.get(PROCESSOR_RETRY);
    RetryPolicy retry = retrySection == null ? RetryPolicy.DEFAULT : retry(retrySection);
    Settings breakerSection = v.get(PROCESSOR_BREAKER);
    BreakerPolicy breaker = breakerSection == null ? BreakerPolicy.DEFAULT
        : breaker(BREAKER_DEF, PROCESSOR_BREAKER_KEYS, breakerSection);
    if (problems.size() > before) {
      return Optional.empty();
    }
    String plugin = Optional.ofNullable(v.get(PROCESSOR_PLUGIN)).orElse(name);
    return Optional.of(new ProcessorConfig(name, plugin, v.get(PROCESSOR_TYPES),
        v.get(CONCURRENCY), v.get(QUEUE_CAPACITY), v.get(PROCESSOR_TIMEOUT), v.get(ORDERING),
        v.get(PROCESSOR_SETTINGS), retry, breaker, v.get(EXECUTION)));
  }

  /** Binds a route and checks, as a separate step, that it names configured processors. */
  private Optional<RouteConfig> route(Settings section, Set<String> processorNames) {
    int before = problems.size();
    ConfigValues v = ROUTE_DEF.bind(section, problems);
    List<String> targets = v.get(ROUTE_PROCESSORS);
    if (targets != null) {
      validateTargets(section, targets, processorNames);
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new RouteConfig(v.get(ROUTE_TYPES), targets, v.get(MERGE),
        v.find(ROUTE_TIMEOUT)));
  }

  private void validateTargets(Settings section, List<String> targets, Set<String> known) {
    String path = section.path() + "." + ROUTE_PROCESSORS.name();
    int line = section.line(ROUTE_PROCESSORS.name());
    Set<String> seen = new LinkedHashSet<>();
    for (String target : targets) {
      if (!seen.add(target)) {
        problems.add(new ConfigProblem(path, line, "processor '" + target
            + "' is listed twice; list each processor once"));
      } else if (!known.contains(target)) {
        String hint = known.isEmpty() ? "; no processors are configured"
            : Suggestions.closest(target, known).map(c -> "; did you mean '" + c + "'?")
                .orElse("; configured processors: " + String.join(", ", known));
        problems.add(new ConfigProblem(path, line, "unknown processor '" + target + "'"
            + hint));
      }
    }
  }

  /** A section with a problem (say, {@code server: 5}) is already reported; bind it empty. */
  private static Settings orEmpty(Settings section, String path) {
    return section != null ? section : Settings.empty(path);
  }

  private static List<Settings> listOrEmpty(List<Settings> sections) {
    return sections == null ? List.of() : sections;
  }

  /**
   * File order (problems without a line last), each once. A key whose {@code ${VAR}} is unset
   * keeps only that problem, not a second "expected a whole number, got ''".
   */
  private static List<ConfigProblem> ordered(List<ConfigProblem> problems,
      Set<String> unresolved) {
    Set<ConfigProblem> unique = new LinkedHashSet<>();
    Set<String> reported = new HashSet<>();
    for (ConfigProblem p : problems) {
      boolean noise = unresolved.contains(p.path()) && !reported.add(p.path());
      if (!noise) {
        unique.add(p);
      }
    }
    List<ConfigProblem> sorted = new ArrayList<>(unique);
    sorted.sort(Comparator.comparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()));
    return sorted;
  }

  private static ConfigException withCause(ConfigException e, Throwable cause) {
    e.initCause(cause);
    return e;
  }
}
