package dev.sluice.testkit.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where a database is and how it was found.
 *
 * @param url a {@code jdbc:mysql:} or {@code jdbc:postgresql:} URL
 * @param origin how it was resolved, for messages ("environment SLUICE_TEST_MARIADB_URL", ...)
 */
public record JdbcEndpoint(String url, String user, String password, String origin) {
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    // A dead address must fail within seconds, not the OS connect timeout.
    if (url.startsWith("jdbc:mysql:")) {
      properties.setProperty("connectTimeout", "3000");
    } else if (url.startsWith("jdbc:postgresql:")) {
      properties.setProperty("connectTimeout", "3");
      properties.setProperty("loginTimeout", "5");
    }
    return DriverManager.getConnection(url, properties);
  }

  /** The same server and credentials, another database: replaces the URL's path. */
  public JdbcEndpoint withDatabase(String database) {
    int scheme = url.indexOf("://");
    if (scheme < 0) {
      throw new IllegalArgumentException("not a jdbc:<driver>://host/database URL: " + url);
    }
    int slash = url.indexOf('/', scheme + 3);
    int query = url.indexOf('?', scheme + 3);
    String authority = url.substring(0, slash >= 0 && (query < 0 || slash < query) ? slash
        : query >= 0 ? query : url.length());
    String parameters = query >= 0 ? url.substring(query) : "";
    return new JdbcEndpoint(authority + "/" + database + parameters, user, password,
        origin);
  }

  @Override
  public String toString() {
    return url + " as " + user + " (" + origin + ")";
  }
}
