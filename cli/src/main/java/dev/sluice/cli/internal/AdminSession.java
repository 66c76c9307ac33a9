package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.config.SluiceConfig;
import dev.sluice.security.Security;
import dev.sluice.store.jdbc.JdbcStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;

/**
 * The store and security module of a configuration, opened by an administration command
 * ({@code sluice user}, {@code sluice dlq}) exactly as {@code serve} opens them, and closed with
 * it.
 */
final class AdminSession implements AutoCloseable {
  private final JdbcStore store;
  private Security security;
  private final SluiceConfig config;
  private final CliContext context;

  private AdminSession(SluiceConfig config, CliContext context, JdbcStore store) {
    this.config = config;
    this.context = context;
    this.store = store;
  }

  /** Opens the configured store (connecting and migrating, as {@code serve} would). */
  static AdminSession open(SluiceConfig config, CliContext context) {
    return new AdminSession(config, context, ServerAssembly.openStore(config, context));
  }

  JdbcStore store() {
    return store;
  }

  /** The security module over the store's users, as the server builds it. */
  Security security() {
    if (security == null) {
      security = Security.from(config.security(),
          ServerAssembly.dataDirectory(config, context), Optional.of(store.users()),
          new SimpleMeterRegistry());
    }
    return security;
  }

  @Override
  public void close() {
    try {
      if (security != null) {
        security.close();
      }
    } finally {
      store.close();
    }
  }
}
