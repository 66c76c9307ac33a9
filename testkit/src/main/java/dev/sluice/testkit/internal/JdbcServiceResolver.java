package dev.sluice.testkit.internal;

import dev.sluice.testkit.ServiceUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds a database for tests: explicit override, else a Testcontainers container when Docker is
 * available, else the local service, verified by connecting. Never skips: when none works it
 * throws {@link ServiceUnavailableException} saying how to start the service.
 */
public final class JdbcServiceResolver {
  /**
   * @param service the name in messages, e.g. "MariaDB"
   * @param overridePrefix e.g. {@code SLUICE_TEST_MARIADB}: {@code _URL}, {@code _USER} and
   *     {@code _PASSWORD} are read
   * @param local the local service's default address and credentials
   * @param container starts a container and returns its endpoint
   * @param howToStart the command that starts the local service
   */
  public record Spec(String service, String overridePrefix, JdbcEndpoint local,
      Supplier<JdbcEndpoint> container, String howToStart) {
  }

  private JdbcServiceResolver() {
  }

  public static JdbcEndpoint resolve(Spec spec) {
    String urlKey = spec.overridePrefix() + "_URL";
    Optional<String> url = Overrides.get(urlKey);
    if (url.isPresent()) {
      JdbcEndpoint endpoint = new JdbcEndpoint(url.get(),
          Overrides.getOrDefault(spec.overridePrefix() + "_USER", spec.local().user()),
          Overrides.getOrDefault(spec.overridePrefix() + "_PASSWORD", spec.local().password()),
          "environment " + urlKey);
      try {
        verify(endpoint);
      } catch (SQLException e) {
        throw new ServiceUnavailableException(spec.service() + " at " + endpoint.url()
            + " (from " + urlKey + ") refused a connection as '" + endpoint.user() + "': "
            + e.getMessage() + ". Fix or unset " + urlKey + ".", e);
      }
      return endpoint;
    }
    if (Docker.available()) {
      try {
        return spec.container().get();
      } catch (RuntimeException e) {
        throw new ServiceUnavailableException("Docker is available but the " + spec.service()
            + " container did not start: " + e.getMessage() + ". Set " + Docker.DISABLE_OVERRIDE
            + "=false to use the local service instead.", e);
      }
    }
    try {
      verify(spec.local());
      return spec.local();
    } catch (SQLException e) {
      throw new ServiceUnavailableException(spec.service() + " is needed by this test and was "
          + "not found: " + urlKey + " is not set, there is no Docker engine for "
          + "Testcontainers, and " + spec.local().url() + " as '" + spec.local().user()
          + "' failed: " + e.getMessage() + ". Start the local service with `"
          + spec.howToStart() + "`, or set " + urlKey + " (and " + spec.overridePrefix()
          + "_USER, " + spec.overridePrefix() + "_PASSWORD).", e);
    }
  }

  private static void verify(JdbcEndpoint endpoint) throws SQLException {
    try (Connection connection = endpoint.connect()) {
      if (!connection.isValid(5)) {
        throw new SQLException("connection is not valid");
      }
    }
  }
}
