package dev.sluice.cli.internal;

import dev.sluice.admin.AdminConfig;
import dev.sluice.admin.AdminServer;
import dev.sluice.cli.CliContext;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.Settings;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceClients;
import dev.sluice.engine.SluiceServer;
import dev.sluice.plugin.Plugins;
import dev.sluice.security.Security;
import dev.sluice.security.SecurityConfig;
import dev.sluice.security.tls.TlsConfig;
import dev.sluice.security.tls.TlsMaterial;
import dev.sluice.spi.EventClient;
import dev.sluice.store.jdbc.JdbcStore;
import dev.sluice.store.jdbc.JdbcStoreConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the server a configuration describes, in one place: the plugins (class path and plugins
 * directory), the transport named by {@code transport.type}, the JDBC store ({@code store}:
 * embedded H2 under the data directory by default) with its locks, state and table source, and
 * the security module ({@code security}: authentication, validation, authorization), whose users
 * live in the store.
 *
 * <p>{@link #close()} stops the server (draining within {@code server.drain-timeout}) and then
 * releases what was opened for it, in reverse order.
 */
public final class ServerAssembly implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");

  private final Plugins plugins;
  private final SluiceServer server;
  private final AdminServer admin;
  private final Deque<AutoCloseable> resources;

  private ServerAssembly(Plugins plugins, SluiceServer server, AdminServer admin,
      Deque<AutoCloseable> resources) {
    this.plugins = plugins;
    this.server = server;
    this.admin = admin;
    this.resources = resources;
  }

  /**
   * Loads the plugins, opens the store (connecting to its database and migrating it) and the
   * security module (creating the first admin user when authentication is on and there is no
   * user), and assembles the server, without starting it.
   *
   * @throws dev.sluice.config.ConfigException listing what does not match the plugins
   * @throws dev.sluice.plugin.PluginLoadException naming a plugin that cannot load
   * @throws dev.sluice.store.jdbc.StoreException when the database cannot be reached
   */
  public static ServerAssembly assemble(SluiceConfig config, CliContext context) {
    Objects.requireNonNull(config, "config");
    Plugins plugins = ConfigOption.plugins(config, context);
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      AdminConfig adminConfig = AdminConfig.from(config.admin());
      PrometheusMeterRegistry metrics = AdminServer.newRegistry();
      Path data = dataDirectory(config, context);
      SluiceServer.Builder builder = SluiceServer.builder(config).plugins(plugins)
          .baseDirectory(context.baseDirectory()).metrics(metrics);
      JdbcStore store = openStore(config, data, metrics);
      resources.push(store);
      LOG.info("store: {}", store.describe());
      builder.store(store.eventStore()).locks(store.locks()).state(store.state());
      store.tableSource().ifPresent(builder::source);
      Security security = Security.from(config.security(), data, Optional.of(store.users()),
          metrics);
      resources.push(security);
      builder.authenticator(security.authenticator()).guard(security.guard());
      SluiceServer server = builder.build();
      AdminServer.Builder admin = AdminServer.builder(server).config(adminConfig)
          .registry(metrics).authenticator(security.authenticator());
      if (adminConfig.enabled() && adminNeedsTls(adminConfig)) {
        TlsConfig tls = TlsConfig.from(config.security().section("tls"));
        admin.sslContext(TlsMaterial.forServer(tls, data).sslContext());
      }
      return new ServerAssembly(plugins, server, admin.build(), resources);
    } catch (RuntimeException | Error e) {
      closeAll(resources);
      plugins.close();
      throw e;
    }
  }

  /**
   * Checks everything {@link #assemble} would, without connecting, starting or writing anything:
   * the processors and routes against the plugins, the transport's own section (by creating a
   * client, which does no I/O), the store section and the security section.
   *
   * @throws dev.sluice.config.ConfigException listing every problem found
   */
  public static void check(SluiceConfig config, CliContext context) {
    List<ConfigProblem> problems = new ArrayList<>();
    String origin = "configuration";
    try (Plugins plugins = ConfigOption.plugins(config, context)) {
      try {
        SluiceServer.builder(config).plugins(plugins).baseDirectory(context.baseDirectory())
            .build();
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
      try (EventClient client = SluiceClients.open(config, plugins, context.baseDirectory())) {
        Objects.requireNonNull(client, "client");
      } catch (ConfigException e) {
        if (!problems.containsAll(e.problems())) {
          problems.addAll(e.problems());
        }
      }
    }
    try {
      JdbcStoreConfig.from(config.store(), dataDirectory(config, context));
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    problems.addAll(securityProblems(config.security()));
    try {
      AdminConfig.from(config.admin());
    } catch (ConfigException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(origin, problems);
    }
  }

  /** The security section bound against its declarations, without the first start. */
  private static List<ConfigProblem> securityProblems(Settings section) {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues top = SecurityConfig.SECURITY.bind(section, problems);
    ConfigValues auth = SecurityConfig.AUTHENTICATION_DEF.bind(
        top.get(SecurityConfig.AUTHENTICATION), problems);
    SecurityConfig.LOCKOUT_DEF.bind(auth.get(SecurityConfig.LOCKOUT), problems);
    SecurityConfig.HASHING_DEF.bind(auth.get(SecurityConfig.HASHING), problems);
    SecurityConfig.VALIDATION_DEF.bind(top.get(SecurityConfig.VALIDATION), problems);
    return problems;
  }

  /** The store of the configuration, opened for a tool such as {@code sluice user}. */
  public static JdbcStore openStore(SluiceConfig config, CliContext context) {
    return openStore(config, dataDirectory(config, context), new SimpleMeterRegistry());
  }

  private static JdbcStore openStore(SluiceConfig config, Path data, MeterRegistry metrics) {
    return JdbcStore.open(config.store(), data, config.server().name(), metrics);
  }

  /** HTTPS when asked for, and always off loopback (where AdminServer refuses plain HTTP). */
  private static boolean adminNeedsTls(AdminConfig admin) {
    if (admin.tls()) {
      return true;
    }
    try {
      return !InetAddress.getByName(admin.host()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return true;
    }
  }

  /** {@code server.data-directory}, resolved against the base directory. */
  public static Path dataDirectory(SluiceConfig config, CliContext context) {
    return context.baseDirectory().resolve(config.server().dataDirectory());
  }

  public SluiceServer server() {
    return server;
  }

  public Plugins plugins() {
    return plugins;
  }

  /** The admin endpoint (health and metrics), started by {@code serve} after the server. */
  public AdminServer admin() {
    return admin;
  }

  @Override
  public void close() {
    if (server.isRunning()) {
      server.stop();
    }
    admin.close();
    closeAll(resources);
    plugins.close();
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", r, e);
      }
    }
  }
}
