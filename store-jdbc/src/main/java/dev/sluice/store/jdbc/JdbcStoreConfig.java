package dev.sluice.store.jdbc;

import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import dev.sluice.config.Validator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code store} section of the configuration, declared once: its keys, defaults, checks and
 * documentation (the configuration reference is generated from {@link #DEF} and the three
 * sub-sections).
 *
 * <pre>{@code
 * store:
 *   url: jdbc:mysql://db.internal:3306/sluice     # default: embedded H2 under the data directory
 *   user: sluice
 *   password: ${SLUICE_DB_PASSWORD}
 *   durability: log
 *   retention: 1d
 *   group-commit: {max-batch: 256, writers: 4}
 *   locks: {poll-interval: 50ms}
 *   table-source: {table: outbox, poll-interval: 500ms}
 * }</pre>
 *
 * <p>Instances are immutable; {@link #from} reports every problem of the section at once.
 */
public final class JdbcStoreConfig {
  /** Table names the table source accepts: an identifier, optionally schema-qualified. */
  public static final Pattern TABLE_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
  /** The embedded database's file name (H2 adds {@code .mv.db}) under the data directory. */
  public static final String H2_FILE = "sluice-store";

  public static final ConfigKey<String> URL = ConfigKey.string("url")
      .validator(Validator.notBlank())
      .doc("The JDBC URL: jdbc:mysql://host:3306/db for MySQL and MariaDB,"
          + " jdbc:postgresql://host:5432/db for PostgreSQL. By default an embedded H2 database in"
          + " the file " + H2_FILE + ".mv.db under the server's data directory.");
  public static final ConfigKey<String> USER = ConfigKey.string("user").defaultValue("")
      .doc("The database user.");
  public static final ConfigKey<Secret> PASSWORD = ConfigKey.secret("password")
      .doc("The database user's password; masked in logs and dumps.");
  public static final ConfigKey<Integer> POOL_SIZE = ConfigKey.integer("pool-size")
      .defaultValue(10).validator(Validator.atLeast(2))
      .doc("The most connections the store opens (HikariCP maximumPoolSize), besides the"
          + " group-commit writers' own connections (one each).");
  public static final ConfigKey<Duration> CONNECTION_TIMEOUT =
      ConfigKey.duration("connection-timeout").defaultValue(Duration.ofSeconds(2))
          .validator(Validator.of("at least 250ms",
              (Duration d) -> d.compareTo(Duration.ofMillis(250)) >= 0))
          .doc("How long to wait for a connection before failing: short, so an outage surfaces"
              + " fast as UNAVAILABLE results instead of hung requests.");
  public static final ConfigKey<Durability> DURABILITY =
      ConfigKey.enumeration("durability", Durability.class).defaultValue(Durability.LOG)
          .doc("log: record each event before it is processed and its result after, so events"
              + " accepted before a crash are processed on restart; none: record only the"
              + " idempotency key and the result; memory: record nothing of the event, answer"
              + " repeats from this server's memory (dead letters still go to the database).");
  public static final ConfigKey<Duration> RETENTION = ConfigKey.duration("retention")
      .defaultValue(Duration.ofDays(1)).validator(Validator.positive())
      .doc("How long completed results are kept to answer repeats; older ones are purged.");
  public static final ConfigKey<Settings> GROUP_COMMIT = ConfigKey.section("group-commit")
      .doc("How concurrent events share transactions; see store.group-commit.");
  public static final ConfigKey<Settings> LOCKS = ConfigKey.section("locks")
      .doc("Distributed locks; see store.locks.");
  public static final ConfigKey<Settings> TABLE_SOURCE = ConfigKey.section("table-source")
      .doc("An outbox table polled for events; see store.table-source.");

  public static final ConfigDef DEF = ConfigDef.section("store",
          "The JDBC store: durable events, idempotent results, dead letters, distributed locks,"
              + " fenced state and users, on embedded H2, MySQL/MariaDB or PostgreSQL.")
      .define(URL).define(USER).define(PASSWORD).define(POOL_SIZE).define(CONNECTION_TIMEOUT)
      .define(DURABILITY).define(RETENTION).define(GROUP_COMMIT).define(LOCKS)
      .define(TABLE_SOURCE);

  public static final ConfigKey<Integer> MAX_BATCH = ConfigKey.integer("max-batch")
      .defaultValue(256).validator(Validator.atLeast(1))
      .doc("The most operations one transaction carries.");
  public static final ConfigKey<Duration> MAX_DELAY = ConfigKey.duration("max-delay")
      .defaultValue(Duration.ZERO)
      .doc("How long a writer waits for more operations before committing a batch; 0 commits"
          + " what has arrived at once (batches still form while a commit is running).");
  public static final ConfigKey<Integer> WRITERS = ConfigKey.integer("writers")
      .validator(Validator.atLeast(1))
      .doc("How many transactions may be committing at once; each writer has a connection of"
          + " its own. Default: 1 on H2 (embedded: more writers only contend for the same"
          + " engine), 4 on MySQL, MariaDB and PostgreSQL (a commit waits for the network and"
          + " the disk, so several overlap).");
  public static final ConfigDef GROUP_COMMIT_DEF = ConfigDef.section("store.group-commit",
          "Group commit: concurrent admits and completions share transactions.")
      .define(MAX_BATCH).define(MAX_DELAY).define(WRITERS);

  public static final ConfigKey<Duration> LOCK_POLL = ConfigKey.duration("poll-interval")
      .defaultValue(Duration.ofMillis(50)).validator(Validator.positive())
      .doc("The longest pause between two tries to take a lock held by another server.");
  public static final ConfigDef LOCKS_DEF = ConfigDef.section("store.locks",
          "Leases in the sluice_locks table, judged by the database clock.")
      .define(LOCK_POLL);

  public static final ConfigKey<String> TABLE = ConfigKey.string("table")
      .validator(Validator.of("a table name matching " + TABLE_NAME.pattern(),
          (String s) -> TABLE_NAME.matcher(s).matches()))
      .doc("The outbox table to poll; no table source when absent.");
  public static final ConfigKey<Duration> TABLE_POLL = ConfigKey.duration("poll-interval")
      .defaultValue(Duration.ofMillis(500)).validator(Validator.positive())
      .doc("How often the table is polled when the last poll found nothing.");
  public static final ConfigKey<Integer> TABLE_BATCH = ConfigKey.integer("batch-size")
      .defaultValue(100).validator(Validator.atLeast(1))
      .doc("The most rows read by one poll.");
  public static final ConfigKey<Duration> TABLE_LEASE = ConfigKey.duration("lease")
      .defaultValue(Duration.ofSeconds(10)).validator(Validator.positive())
      .doc("The lease of the lock that lets one server poll the table; another server takes"
          + " over within about this long after the polling server dies.");
  public static final ConfigKey<Duration> TABLE_TIMEOUT = ConfigKey.duration("event-timeout")
      .defaultValue(Duration.ofSeconds(30)).validator(Validator.positive())
      .doc("The deadline of each event read from the table.");
  public static final ConfigDef TABLE_SOURCE_DEF = ConfigDef.section("store.table-source",
          "An outbox table polled for events; see docs/store.md for its columns.")
      .define(TABLE).define(TABLE_POLL).define(TABLE_BATCH).define(TABLE_LEASE)
      .define(TABLE_TIMEOUT);

  private final String url;
  private final boolean defaultUrl;
  private final String user;
  private final Secret password;
  private final int poolSize;
  private final Duration connectionTimeout;
  private final Durability durability;
  private final Duration retention;
  private final int maxBatch;
  private final Duration maxDelay;
  private final int writers;
  private final Duration lockPoll;
  private final String table;
  private final Duration tablePoll;
  private final int tableBatch;
  private final Duration tableLease;
  private final Duration tableTimeout;

  private JdbcStoreConfig(ConfigValues store, ConfigValues group, ConfigValues locks,
      ConfigValues tableSource, Path dataDirectory) {
    Optional<String> configured = store.find(URL);
    this.defaultUrl = configured.isEmpty();
    this.url = configured.orElseGet(() -> "jdbc:h2:file:"
        + dataDirectory.toAbsolutePath().resolve(H2_FILE).toString().replace('\\', '/'));
    String u = store.get(USER);
    this.user = u.isEmpty() && url.startsWith("jdbc:h2:") ? "sa" : u;
    this.password = store.find(PASSWORD).orElse(Secret.of(""));
    this.poolSize = store.get(POOL_SIZE);
    this.connectionTimeout = store.get(CONNECTION_TIMEOUT);
    this.durability = store.get(DURABILITY);
    this.retention = store.get(RETENTION);
    this.maxBatch = group.get(MAX_BATCH);
    this.maxDelay = group.get(MAX_DELAY);
    this.writers = group.find(WRITERS).orElse(url.startsWith("jdbc:h2:") ? 1 : 4);
    this.lockPoll = locks.get(LOCK_POLL);
    this.table = tableSource.get(TABLE);
    this.tablePoll = tableSource.get(TABLE_POLL);
    this.tableBatch = tableSource.get(TABLE_BATCH);
    this.tableLease = tableSource.get(TABLE_LEASE);
    this.tableTimeout = tableSource.get(TABLE_TIMEOUT);
  }

  /**
   * Binds the {@code store} section; the default URL is an H2 file under {@code dataDirectory}.
   *
   * @throws ConfigException listing every problem of the section and its sub-sections
   */
  public static JdbcStoreConfig from(Settings store, Path dataDirectory) {
    List<ConfigProblem> problems = new ArrayList<>();
    ConfigValues values = DEF.bind(store, problems);
    ConfigValues group = GROUP_COMMIT_DEF.bind(store.section(GROUP_COMMIT.name()), problems);
    ConfigValues locks = LOCKS_DEF.bind(store.section(LOCKS.name()), problems);
    ConfigValues table = TABLE_SOURCE_DEF.bind(store.section(TABLE_SOURCE.name()), problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(store.origin(), problems);
    }
    return new JdbcStoreConfig(values, group, locks, table, dataDirectory);
  }

  public String url() {
    return url;
  }

  /** True when no url was configured and the embedded H2 file is used. */
  public boolean isEmbedded() {
    return defaultUrl;
  }

  public String user() {
    return user;
  }

  public Secret password() {
    return password;
  }

  public int poolSize() {
    return poolSize;
  }

  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  public Durability durability() {
    return durability;
  }

  public Duration retention() {
    return retention;
  }

  public int maxBatch() {
    return maxBatch;
  }

  public Duration maxDelay() {
    return maxDelay;
  }

  public int writers() {
    return writers;
  }

  public Duration lockPollInterval() {
    return lockPoll;
  }

  /** The outbox table, when a table source is configured. */
  public Optional<String> table() {
    return Optional.ofNullable(table);
  }

  public Duration tablePollInterval() {
    return tablePoll;
  }

  public int tableBatchSize() {
    return tableBatch;
  }

  public Duration tableLease() {
    return tableLease;
  }

  public Duration tableEventTimeout() {
    return tableTimeout;
  }
}
