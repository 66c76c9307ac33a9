package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceClients;
import dev.sluice.engine.SluiceServer;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the server a configuration describes: the plugins (class path and plugins directory),
 * the transport named by {@code transport.type}, the store and the security module, in one place,
 * so that {@code serve} and {@code config check} cannot disagree about what a file means.
 *
 * <p>{@link #close()} stops the server (draining within {@code server.drain-timeout}) and then
 * releases what was opened for it, in reverse order.
 */
public final class ServerAssembly implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");

  private final Plugins plugins;
  private final SluiceServer server;
  private final Deque<AutoCloseable> resources;

  private ServerAssembly(Plugins plugins, SluiceServer server, Deque<AutoCloseable> resources) {
    this.plugins = plugins;
    this.server = server;
    this.resources = resources;
  }

  /**
   * Loads the plugins and assembles the server, without starting it.
   *
   * @throws dev.sluice.config.ConfigException listing what does not match the plugins
   * @throws dev.sluice.plugin.PluginLoadException naming a plugin that cannot load
   */
  public static ServerAssembly assemble(SluiceConfig config, CliContext context) {
    Objects.requireNonNull(config, "config");
    Plugins plugins = ConfigOption.plugins(config, context);
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      SluiceServer.Builder builder = SluiceServer.builder(config).plugins(plugins)
          .baseDirectory(context.baseDirectory());
      wireStore(config, context, builder, resources);
      wireSecurity(config, context, builder, resources);
      return new ServerAssembly(plugins, builder.build(), resources);
    } catch (RuntimeException | Error e) {
      closeAll(resources);
      plugins.close();
      throw e;
    }
  }

  /**
   * Everything {@link #assemble} checks, plus the transport's own section (by creating a client,
   * which does no I/O), without starting or connecting anything.
   *
   * @throws dev.sluice.config.ConfigException listing every problem found
   */
  public static void check(SluiceConfig config, CliContext context) {
    try (ServerAssembly assembly = assembleForCheck(config, context);
        EventClient client = SluiceClients.open(config, assembly.plugins,
            context.baseDirectory())) {
      Objects.requireNonNull(client, "client");
    }
  }

  private static ServerAssembly assembleForCheck(SluiceConfig config, CliContext context) {
    return assemble(config, context);
  }

  // The store and security modules plug in here; until they are wired the engine's in-memory
  // store and an open door (no authentication, every event allowed) are used.
  private static void wireStore(SluiceConfig config, CliContext context,
      SluiceServer.Builder builder, Deque<AutoCloseable> resources) {
  }

  private static void wireSecurity(SluiceConfig config, CliContext context,
      SluiceServer.Builder builder, Deque<AutoCloseable> resources) {
  }

  public SluiceServer server() {
    return server;
  }

  public Plugins plugins() {
    return plugins;
  }

  @Override
  public void close() {
    if (server.isRunning()) {
      server.stop();
    }
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
