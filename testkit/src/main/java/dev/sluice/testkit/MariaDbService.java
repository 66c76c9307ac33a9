package dev.sluice.testkit;

import dev.sluice.testkit.internal.JdbcEndpoint;
import dev.sluice.testkit.internal.JdbcServiceResolver;
import dev.sluice.testkit.internal.SharedService;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A MariaDB server for tests (it also stands in for MySQL: same driver, same SQL), shared by
 * every test in the JVM and found on first use:
 * <ol>
 *   <li>{@value #URL_OVERRIDE} (with {@value #USER_OVERRIDE}, {@value #PASSWORD_OVERRIDE}), if
 *       set;</li>
 *   <li>else a {@code mariadb:10.11} container, if Testcontainers finds a Docker engine;</li>
 *   <li>else the local server at {@value #DEFAULT_URL} as {@code root} with an empty
 *       password, verified by connecting;</li>
 *   <li>else the test fails with {@link ServiceUnavailableException} (it is never skipped).</li>
 * </ol>
 *
 * <pre>{@code
 * try (TestDatabase db = MariaDbService.get().newDatabase()) {
 *   DataSource source = dataSource(db.jdbcUrl(), db.user(), db.password());
 * }
 * }</pre>
 *
 * <p>The user must be allowed to create and drop databases: {@link #newDatabase()} gives every
 * test its own.
 */
public final class MariaDbService extends JdbcDatabase {
  public static final String URL_OVERRIDE = "SLUICE_TEST_MARIADB_URL";
  public static final String USER_OVERRIDE = "SLUICE_TEST_MARIADB_USER";
  public static final String PASSWORD_OVERRIDE = "SLUICE_TEST_MARIADB_PASSWORD";
  public static final String DEFAULT_URL = "jdbc:mysql://127.0.0.1:3306/test";
  static final String IMAGE = "mariadb:10.11";
  static final String HOW_TO_START =
      "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd";

  private static final SharedService<MariaDbService> SHARED =
      new SharedService<>(MariaDbService::resolve);

  private MariaDbService(JdbcEndpoint endpoint) {
    super(endpoint);
  }

  /**
   * The shared server, found (or started) on the first call.
   *
   * @throws ServiceUnavailableException when no server can be reached, with how to start one
   */
  public static MariaDbService get() {
    return SHARED.get();
  }

  /** Creates an empty database {@code sluice_test_<random>}; closing it drops it. */
  public TestDatabase newDatabase() {
    // A forgotten open transaction would otherwise block DROP on a metadata lock for a year.
    return createDatabase(" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        "SET SESSION lock_wait_timeout = 10", "DROP DATABASE IF EXISTS {name}");
  }

  @Override
  public String toString() {
    return "MariaDB " + endpoint();
  }

  private static MariaDbService resolve() {
    return new MariaDbService(JdbcServiceResolver.resolve(new JdbcServiceResolver.Spec(
        "MariaDB", "SLUICE_TEST_MARIADB",
        new JdbcEndpoint(DEFAULT_URL, "root", "", "local service"),
        MariaDbService::startContainer, HOW_TO_START)));
  }

  @SuppressWarnings("resource") // lives until the JVM exits; Testcontainers reaps it
  private static JdbcEndpoint startContainer() {
    // The MySQL module drives the MariaDB image: same environment variables, and its readiness
    // check uses the MySQL driver Sluice already ships (the MariaDB module needs another).
    MySQLContainer container = new MySQLContainer(
        DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("mysql"))
        .withDatabaseName("test")
        .withUsername("root")
        .withPassword("test");
    container.start();
    String url = "jdbc:mysql://" + container.getHost() + ":" + container.getMappedPort(3306)
        + "/test";
    return new JdbcEndpoint(url, "root", "test", "container " + IMAGE);
  }
}
