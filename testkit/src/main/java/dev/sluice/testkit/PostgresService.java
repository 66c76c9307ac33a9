package dev.sluice.testkit;

import dev.sluice.testkit.internal.JdbcEndpoint;
import dev.sluice.testkit.internal.JdbcServiceResolver;
import dev.sluice.testkit.internal.SharedService;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A PostgreSQL server for tests, shared by every test in the JVM and found on first use:
 * <ol>
 *   <li>{@value #URL_OVERRIDE} (with {@value #USER_OVERRIDE}, {@value #PASSWORD_OVERRIDE}), if
 *       set;</li>
 *   <li>else a {@code postgres:15-alpine} container, if Testcontainers finds a Docker
 *       engine;</li>
 *   <li>else the local server at {@value #DEFAULT_URL} as {@code postgres} (trust
 *       authentication), verified by connecting;</li>
 *   <li>else the test fails with {@link ServiceUnavailableException} (it is never skipped).</li>
 * </ol>
 */
public final class PostgresService extends JdbcDatabase {
  public static final String URL_OVERRIDE = "SLUICE_TEST_POSTGRES_URL";
  public static final String USER_OVERRIDE = "SLUICE_TEST_POSTGRES_USER";
  public static final String PASSWORD_OVERRIDE = "SLUICE_TEST_POSTGRES_PASSWORD";
  public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  static final String IMAGE = "postgres:15-alpine";
  static final String HOW_TO_START =
      "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

  private static final SharedService<PostgresService> SHARED =
      new SharedService<>(PostgresService::resolve);

  private PostgresService(JdbcEndpoint endpoint) {
    super(endpoint);
  }

  /**
   * The shared server, found (or started) on the first call.
   *
   * @throws ServiceUnavailableException when no server can be reached, with how to start one
   */
  public static PostgresService get() {
    return SHARED.get();
  }

  /**
   * Creates an empty database {@code sluice_test_<random>}; closing it drops it, ending any
   * connection still open to it.
   */
  public TestDatabase newDatabase() {
    return createDatabase("", "DROP DATABASE IF EXISTS {name} WITH (FORCE)");
  }

  @Override
  public String toString() {
    return "PostgreSQL " + endpoint();
  }

  private static PostgresService resolve() {
    return new PostgresService(JdbcServiceResolver.resolve(new JdbcServiceResolver.Spec(
        "PostgreSQL", "SLUICE_TEST_POSTGRES",
        new JdbcEndpoint(DEFAULT_URL, "postgres", "", "local service"),
        PostgresService::startContainer, HOW_TO_START)));
  }

  @SuppressWarnings("resource") // lives until the JVM exits; Testcontainers reaps it
  private static JdbcEndpoint startContainer() {
    PostgreSQLContainer container = new PostgreSQLContainer(IMAGE)
        .withDatabaseName("test")
        .withUsername("postgres")
        .withPassword("test");
    container.start();
    return new JdbcEndpoint(container.getJdbcUrl(), "postgres", "test", "container " + IMAGE);
  }
}
