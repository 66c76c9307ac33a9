package dev.sluice.admin;

import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.Settings;
import dev.sluice.config.Validator;
import java.util.Objects;

/**
 * The {@code admin} section: where the admin endpoint listens and how it is protected.
 *
 * <pre>{@code
 * admin:
 *   host: 127.0.0.1      # loopback: plain HTTP allowed
 *   port: 7480
 * admin:
 *   host: 0.0.0.0        # anything else: HTTPS and authentication, always
 *   role: admin
 * }</pre>
 *
 * @param enabled whether the endpoint runs
 * @param host the address it binds
 * @param port the port it binds; 0 picks a free one
 * @param tls whether it serves HTTPS; always true off loopback
 * @param authentication whether callers must log in with HTTP Basic; always true off loopback
 * @param role the role a caller must have when authentication is on; empty for any user
 */
public record AdminConfig(boolean enabled, String host, int port, boolean tls,
    boolean authentication, String role) {

  public static final ConfigKey<Boolean> ENABLED = ConfigKey.bool("enabled").defaultValue(true)
      .doc("Whether the admin endpoint runs.");
  public static final ConfigKey<String> HOST = ConfigKey.string("host")
      .defaultValue("127.0.0.1").validator(Validator.notBlank())
      .doc("The address it binds. On anything but loopback it serves HTTPS only and requires"
          + " authentication, and refuses to start without TLS material and an authenticator.");
  public static final ConfigKey<Integer> PORT = ConfigKey.integer("port").defaultValue(7480)
      .validator(Validator.of("from 0 to 65535", (Integer p) -> p >= 0 && p <= 65535))
      .doc("The port it binds; `0` picks a free port (logged at start).");
  public static final ConfigKey<Boolean> TLS = ConfigKey.bool("tls").defaultValue(false)
      .doc("Serve HTTPS with the server's TLS material even on loopback. Always on when `host`"
          + " is not loopback.");
  public static final ConfigKey<Boolean> AUTHENTICATION = ConfigKey.bool("authentication")
      .defaultValue(false)
      .doc("Require HTTP Basic authentication, checked by the server's authenticator (the"
          + " security module's users), even on loopback. Always on when `host` is not"
          + " loopback.");
  public static final ConfigKey<String> ROLE = ConfigKey.string("role").defaultValue("admin")
      .doc("The role an authenticated caller needs; other users get 403. Empty lets any"
          + " authenticated user in.");

  /** The declared keys, for binding and for the configuration reference. */
  public static final ConfigDef DEF = ConfigDef.section("admin",
          "The admin endpoint: `/health/live`, `/health/ready` and `/metrics` (Prometheus text"
              + " format) over HTTP on loopback, or HTTPS with authentication anywhere else."
              + " See docs/operations.md.")
      .define(ENABLED).define(HOST).define(PORT).define(TLS).define(AUTHENTICATION)
      .define(ROLE);

  /** Every default: enabled on 127.0.0.1:7480, plain HTTP, no authentication. */
  public static final AdminConfig DEFAULT = new AdminConfig(true, "127.0.0.1", 7480, false,
      false, "admin");

  public AdminConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(role, "role");
  }

  /**
   * Binds the {@code admin} section.
   *
   * @throws dev.sluice.config.ConfigException naming every bad key with its line
   */
  public static AdminConfig from(Settings admin) {
    ConfigValues v = DEF.bind(admin);
    return new AdminConfig(v.get(ENABLED), v.get(HOST), v.get(PORT), v.get(TLS),
        v.get(AUTHENTICATION), v.get(ROLE));
  }
}
