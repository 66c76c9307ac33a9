package dev.sluice.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.sluice.config.Settings;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.spi.LockService;
import dev.sluice.spi.StateStore;
import dev.sluice.spi.UserStore;
import dev.sluice.store.jdbc.internal.Dialect;
import dev.sluice.store.jdbc.internal.Jdbc;
import dev.sluice.store.jdbc.internal.JdbcDeadLetters;
import dev.sluice.store.jdbc.internal.JdbcEventStore;
import dev.sluice.store.jdbc.internal.JdbcLockService;
import dev.sluice.store.jdbc.internal.JdbcStateStore;
import dev.sluice.store.jdbc.internal.JdbcUrls;
import dev.sluice.store.jdbc.internal.JdbcUserStore;
import dev.sluice.store.jdbc.internal.Migrations;
import dev.sluice.store.jdbc.internal.TableSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC store: one connection pool and schema behind the engine's services.
 *
 * <pre>{@code
 * try (JdbcStore store = JdbcStore.open(storeSection, dataDirectory, config.server().name(),
 *     registry)) {
 *   SluiceServer.Builder builder = SluiceServer.builder(config)
 *       .store(store.eventStore()).locks(store.locks()).state(store.state());
 *   store.tableSource().ifPresent(builder::source);   // when store.table-source is configured
 *   log.info("store: {}", store.describe());            // no password in it
 *   try (SluiceServer server = builder.build()) { server.start(); ... }
 * }
 * }</pre>
 *
 * <p>{@link #open} connects, creates or upgrades the schema (Flyway, tables prefixed
 * {@code sluice_}) and starts the group-commit writers and the retention purge; it fails with a
 * {@link StoreException} naming the database when it cannot. Every service is thread-safe and
 * shares the pool. The services fail fast with {@link StoreException} (or a failed stage) when
 * the database is unreachable, within {@code store.connection-timeout}. {@link #close} writes
 * what is queued and closes the pool.
 */
public final class JdbcStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);

  private final JdbcStoreConfig config;
  private final String serverName;
  private final HikariDataSource pool;
  /** The group-commit writers' own connections, kept out of auto-commit between transactions. */
  private final HikariDataSource writerPool;
  private final Jdbc jdbc;
  private final String schemaVersion;
  private final JdbcEventStore events;
  private final JdbcLockService locks;
  private final JdbcStateStore state;
  private final JdbcUserStore users;
  private final JdbcDeadLetters deadLetters;
  private final TableSource tableSource;
  private final ScheduledExecutorService housekeeper;

  private JdbcStore(JdbcStoreConfig config, String serverName, MeterRegistry metrics) {
    this.config = config;
    this.serverName = serverName;
    Dialect dialect = Dialect.forUrl(config.url());
    this.pool = connect(poolConfig(config, metrics), config);
    HikariDataSource writers = null;
    try {
      this.jdbc = new Jdbc(pool, dialect, "store " + JdbcUrls.mask(config.url()),
          pool::evictConnection);
      this.schemaVersion = migrate(pool, dialect, config);
      writers = connect(writerPoolConfig(config, metrics), config);
      HikariDataSource w = writers;
      Jdbc writerJdbc = new Jdbc(w, dialect, "store " + JdbcUrls.mask(config.url()),
          w::evictConnection);
      this.events = new JdbcEventStore(jdbc, writerJdbc, serverName, config, metrics);
      this.locks = new JdbcLockService(jdbc, serverName, config.lockPollInterval(), metrics);
      this.state = new JdbcStateStore(jdbc, locks);
      this.users = new JdbcUserStore(jdbc);
      this.deadLetters = new JdbcDeadLetters(jdbc);
      this.tableSource = config.table()
          .map(t -> new TableSource(jdbc, locks, t, config)).orElse(null);
      this.housekeeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-store-purge");
        t.setDaemon(true);
        return t;
      });
    } catch (RuntimeException | Error e) {
      if (writers != null) {
        writers.close();
      }
      pool.close();
      throw e;
    }
    this.writerPool = writers;
    long every = Math.max(1_000, Math.min(config.retention().toMillis() / 10,
        TimeUnit.MINUTES.toMillis(5)));
    housekeeper.scheduleWithFixedDelay(this::purge, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens the store configured by the {@code store} section, for a server of the given name.
   * The name marks the events this server accepted, so that after a restart under the same name
   * it recovers them; give each server sharing a database its own name.
   *
   * @throws dev.sluice.config.ConfigException if the section is invalid (every problem at once)
   * @throws StoreException if the database cannot be reached or migrated
   */
  public static JdbcStore open(Settings store, Path dataDirectory, String serverName,
      MeterRegistry metrics) {
    return open(JdbcStoreConfig.from(store, dataDirectory), serverName, metrics);
  }

  /** Opens the store for a server named after this host. */
  public static JdbcStore open(Settings store, Path dataDirectory, MeterRegistry metrics) {
    return open(store, dataDirectory, hostName(), metrics);
  }

  /** Opens the store from bound configuration. */
  public static JdbcStore open(JdbcStoreConfig config, String serverName, MeterRegistry metrics) {
    return new JdbcStore(config, serverName, metrics);
  }

  /** Durable events and idempotent results. */
  public EventStore eventStore() {
    return events;
  }

  /** Distributed locks with fencing tokens. */
  public LockService locks() {
    return locks;
  }

  /** Fenced key-value state. */
  public StateStore state() {
    return state;
  }

  /** Users in {@code sluice_users}. */
  public UserStore users() {
    return users;
  }

  /** The dead-letter administration. */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /** The outbox table source, when {@code store.table-source.table} is configured. */
  public Optional<EventSource> tableSource() {
    return Optional.ofNullable(tableSource);
  }

  /**
   * Runs {@code work} in a transaction that commits only while {@code lease} is the newest,
   * unexpired grant of its lock: a holder paused past its lease cannot overwrite its
   * successor's work. The lock's row stays locked until the commit, so no new grant can slip in
   * between the check and the write.
   *
   * @throws FencedWriteException if the lease is no longer the newest; nothing was written
   * @throws StoreException if the database failed
   */
  public <T> T fenced(Lease lease, FencedWork<T> work) throws FencedWriteException {
    return locks.fenced(lease, work);
  }

  /** A connection from the store's pool, for tools and tests; the caller closes it. */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** Deletes completed results past their retention now; answers how many. */
  public int purge() {
    try {
      int purged = events.purge(config.retention());
      if (purged > 0) {
        LOG.debug("purged {} completed events older than {}", purged, config.retention());
      }
      return purged;
    } catch (StoreException e) {
      LOG.warn("purging completed events failed; the next run retries: {}", e.getMessage());
      return 0;
    }
  }

  /** For the start-up log: database, user, pool and options, with no password. */
  public String describe() {
    return Dialect.forUrl(config.url()).name() + " " + JdbcUrls.mask(config.url())
        + (config.user().isEmpty() ? "" : " as " + config.user())
        + " (schema v" + schemaVersion + ", pool " + config.poolSize() + " + "
        + config.writers() + " writers"
        + ", durability " + config.durability().name().toLowerCase(java.util.Locale.ROOT)
        + ", retention " + JdbcStoreConfig.RETENTION.print(config.retention())
        + ", server " + serverName
        + config.table().map(t -> ", table source " + t).orElse("") + ")";
  }

  /** Writes queued operations, stops the background work and closes the pool. */
  @Override
  public void close() {
    housekeeper.shutdownNow();
    try {
      events.close();
      locks.close();
    } finally {
      writerPool.close();
      pool.close();
    }
  }

  private static HikariDataSource connect(HikariConfig poolConfig, JdbcStoreConfig config) {
    try {
      return new HikariDataSource(poolConfig);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new StoreException("store " + JdbcUrls.mask(config.url()) + ": cannot connect as '"
          + config.user() + "': " + cause.getMessage() + ". Check store.url, store.user and"
          + " store.password, and that the database is running", e);
    }
  }

  /**
   * The writers' pool: one connection per group-commit writer, not in auto-commit, so a batch
   * costs its statements and one COMMIT, without switching auto-commit off and on around it
   * (two more round trips on MySQL).
   */
  private static HikariConfig writerPoolConfig(JdbcStoreConfig config, MeterRegistry metrics) {
    HikariConfig h = poolConfig(config, metrics);
    h.setPoolName("sluice-store-writers");
    h.setMaximumPoolSize(config.writers());
    h.setAutoCommit(false);
    return h;
  }

  private static HikariConfig poolConfig(JdbcStoreConfig config, MeterRegistry metrics) {
    HikariConfig h = new HikariConfig();
    h.setPoolName("sluice-store");
    h.setJdbcUrl(config.url());
    h.setUsername(config.user());
    h.setPassword(config.password().reveal());
    h.setMaximumPoolSize(config.poolSize());
    h.setConnectionTimeout(config.connectionTimeout().toMillis());
    h.setValidationTimeout(Math.min(config.connectionTimeout().toMillis(), 1_000));
    // Fail start-up at once when the database is down, with the driver's reason.
    h.setInitializationFailTimeout(1);
    h.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    h.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(metrics));
    String url = config.url();
    if (url.startsWith("jdbc:mysql:")) {
      // HikariCP's recommended MySQL settings: fewer round trips per transaction.
      h.addDataSourceProperty("cachePrepStmts", "true");
      h.addDataSourceProperty("prepStmtCacheSize", "250");
      // Server-side prepared statements, batches not rewritten: events and results travel as
      // binary parameters. Client-side statements (which a rewritten batch needs) escape every
      // byte of them into the query text, which the durable-events benchmark showed to be the
      // largest client cost; this setting gave about 14 % more events per second there.
      h.addDataSourceProperty("useServerPrepStmts", "true");
      h.addDataSourceProperty("rewriteBatchedStatements", "false");
      // A batch goes on past a failed statement (a duplicate key), so its other rows are in.
      h.addDataSourceProperty("continueBatchOnError", "true");
      h.addDataSourceProperty("useLocalSessionState", "true");
      h.addDataSourceProperty("cacheServerConfiguration", "true");
      h.addDataSourceProperty("elideSetAutoCommits", "true");
      h.addDataSourceProperty("connectTimeout",
          Long.toString(config.connectionTimeout().toMillis()));
    } else if (url.startsWith("jdbc:postgresql:")) {
      h.addDataSourceProperty("reWriteBatchedInserts", "true");
      h.addDataSourceProperty("connectTimeout",
          Long.toString(Math.max(1, config.connectionTimeout().toSeconds())));
    }
    return h;
  }

  private static String migrate(HikariDataSource pool, Dialect dialect, JdbcStoreConfig config) {
    try {
      return Migrations.migrate(pool, dialect, null);
    } catch (FlywayException e) {
      throw new StoreException("store " + JdbcUrls.mask(config.url()) + ": creating or upgrading"
          + " the schema failed: " + e.getMessage() + ". Check that the user may create tables,"
          + " and see the sluice_schema_history table", e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "sluice";
    }
  }

  @Override
  public String toString() {
    return "JdbcStore{" + describe() + "}";
  }
}
