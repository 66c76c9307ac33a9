package dev.sluice.security;

import dev.sluice.config.ConfigDef;
import dev.sluice.config.ConfigKey;
import dev.sluice.config.Settings;
import dev.sluice.config.Validator;
import dev.sluice.security.internal.guard.TypePattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every key of the {@code security} section, declared once. {@link Security#from} binds them;
 * the configuration reference prints {@link #DEFS}.
 *
 * <pre>{@code
 * security:
 *   authentication:
 *     required: true
 *     lockout: {attempts: 10, duration: 15m}
 *   roles:
 *     admin: ["*"]
 *     producer: ["orders.*", ping]
 *   validation:
 *     max-data-bytes: 1048576
 *     types:
 *       orders.created: {schema: conf/schemas/order.json, max-data-bytes: 65536}
 *   tls: {...}          # read by dev.sluice.security.tls
 * }</pre>
 */
public final class SecurityConfig {
  private SecurityConfig() {}

  /** Type patterns: {@code orders.created}, {@code orders.*} or {@code *}. */
  static final Validator<List<String>> TYPE_PATTERNS = new Validator<>() {
    @Override
    public Optional<String> check(List<String> patterns) {
      for (String p : patterns) {
        Optional<String> problem = TypePattern.problem(p);
        if (problem.isPresent()) {
          return problem;
        }
      }
      return Optional.empty();
    }

    @Override
    public String description() {
      return "each an exact type such as `orders.created`, a prefix such as `orders.*`, or `*`";
    }
  };

  // --- security

  public static final ConfigKey<Settings> AUTHENTICATION = ConfigKey.section("authentication")
      .doc("Who may connect: users, client certificates, lockout, password hashing."
          + " See [`security.authentication`](#securityauthentication).");
  public static final ConfigKey<Settings> ROLES = ConfigKey.section("roles")
      .doc("Which event types each role may send: a map from role name to a list of type"
          + " patterns (`orders.created`, `orders.*`, `*`). When absent: `admin` and"
          + " `anonymous` may send every type. Setting it replaces that default entirely.");
  public static final ConfigKey<Settings> VALIDATION = ConfigKey.section("validation")
      .doc("Limits and checks on every event before dispatch."
          + " See [`security.validation`](#securityvalidation).");
  public static final ConfigKey<Settings> TLS = ConfigKey.section("tls")
      .doc("TLS key material and policy, read by the TLS support of the transports.");

  public static final ConfigDef SECURITY = ConfigDef.section("security",
          "Authentication, authorization and input validation. Events that arrive without an"
              + " authenticated caller (authentication not required, or a broker transport that"
              + " leaves it to the broker) have the role `anonymous`.")
      .define(AUTHENTICATION).define(ROLES).define(VALIDATION).define(TLS);

  // --- security.authentication

  public static final ConfigKey<Boolean> REQUIRED = ConfigKey.bool("required")
      .defaultValue(true)
      .doc("Whether callers of transports that authenticate (netty) must sign in. On the first"
          + " start with no user, an `admin` user is created with a random password written"
          + " to `initial-admin-password` in the data directory.");
  public static final ConfigKey<Path> USERS_FILE = ConfigKey.path("users-file")
      .defaultValue(Path.of("users.json"))
      .doc("Where users live when no store is configured, relative to the data directory."
          + " Holds only password hashes; written atomically, readable only by its owner.");
  public static final ConfigKey<Integer> MIN_PASSWORD_LENGTH =
      ConfigKey.integer("min-password-length").defaultValue(12).validator(Validator.atLeast(8))
          .doc("The fewest characters a new password may have.");
  public static final ConfigKey<Settings> CERTIFICATES = ConfigKey.section("certificates")
      .doc("Roles of client certificates whose subject CN is not a user: a map from CN to a list"
          + " of roles. A CN that names a user gets that user's roles.");
  public static final ConfigKey<Settings> LOCKOUT = ConfigKey.section("lockout")
      .doc("Slowdown and lockout after failed logins."
          + " See [`security.authentication.lockout`](#securityauthenticationlockout).");
  public static final ConfigKey<Settings> HASHING = ConfigKey.section("hashing")
      .doc("Argon2id cost and the hashing pool."
          + " See [`security.authentication.hashing`](#securityauthenticationhashing).");

  public static final ConfigDef AUTHENTICATION_DEF = ConfigDef.section("security.authentication",
          "Users, passwords and client certificates.")
      .define(REQUIRED).define(USERS_FILE).define(MIN_PASSWORD_LENGTH).define(CERTIFICATES)
      .define(LOCKOUT).define(HASHING);

  // --- security.authentication.lockout

  public static final ConfigKey<Integer> SLOWDOWN_AFTER = ConfigKey.integer("slowdown-after")
      .defaultValue(3).validator(Validator.atLeast(1))
      .doc("Failed logins (per user and per remote address) after which each further attempt"
          + " must wait.");
  public static final ConfigKey<Duration> SLOWDOWN = ConfigKey.duration("slowdown")
      .defaultValue(Duration.ofSeconds(1)).validator(Validator.positive())
      .doc("The first wait; it doubles with each further failure.");
  public static final ConfigKey<Duration> MAX_SLOWDOWN = ConfigKey.duration("max-slowdown")
      .defaultValue(Duration.ofSeconds(30)).validator(Validator.positive())
      .doc("The longest wait between attempts.");
  public static final ConfigKey<Integer> ATTEMPTS = ConfigKey.integer("attempts")
      .defaultValue(10).validator(Validator.atLeast(1))
      .doc("Failed logins within `window` after which the user or address is locked out.");
  public static final ConfigKey<Duration> WINDOW = ConfigKey.duration("window")
      .defaultValue(Duration.ofMinutes(15)).validator(Validator.positive())
      .doc("How long failures are remembered.");
  public static final ConfigKey<Duration> DURATION = ConfigKey.duration("duration")
      .defaultValue(Duration.ofMinutes(15)).validator(Validator.positive())
      .doc("How long a lockout lasts; every login of that user or address fails meanwhile.");

  public static final ConfigDef LOCKOUT_DEF = ConfigDef.section(
          "security.authentication.lockout", "Throttling of failed logins.")
      .define(SLOWDOWN_AFTER).define(SLOWDOWN).define(MAX_SLOWDOWN).define(ATTEMPTS)
      .define(WINDOW).define(DURATION);

  // --- security.authentication.hashing

  public static final ConfigKey<Integer> MEMORY_KIB = ConfigKey.integer("memory-kib")
      .defaultValue(19456).validator(Validator.atLeast(8))
      .doc("Argon2id memory cost in KiB (OWASP: 19456 = 19 MiB). Raising it upgrades each"
          + " stored hash at the user's next login.");
  public static final ConfigKey<Integer> ITERATIONS = ConfigKey.integer("iterations")
      .defaultValue(2).validator(Validator.atLeast(1))
      .doc("Argon2id time cost (OWASP: 2).");
  public static final ConfigKey<Integer> PARALLELISM = ConfigKey.integer("parallelism")
      .defaultValue(1).validator(Validator.atLeast(1))
      .doc("Argon2id lanes (OWASP: 1).");
  public static final ConfigKey<Integer> THREADS = ConfigKey.integer("threads")
      .defaultValue(2).validator(Validator.atLeast(1))
      .doc("Threads that hash passwords; logins never use more CPU than this.");
  public static final ConfigKey<Integer> QUEUE = ConfigKey.integer("queue")
      .defaultValue(32).validator(Validator.atLeast(1))
      .doc("Logins that may wait for a hashing thread; beyond it a login fails at once with a"
          + " message to retry.");

  public static final ConfigDef HASHING_DEF = ConfigDef.section(
          "security.authentication.hashing", "Password hashing (Argon2id).")
      .define(MEMORY_KIB).define(ITERATIONS).define(PARALLELISM).define(THREADS).define(QUEUE);

  // --- security.validation

  public static final ConfigKey<Integer> MAX_ID_BYTES = ConfigKey.integer("max-id-bytes")
      .defaultValue(256).validator(Validator.atLeast(1))
      .doc("The longest `id`, in UTF-8 bytes.");
  public static final ConfigKey<Integer> MAX_SOURCE_BYTES = ConfigKey.integer("max-source-bytes")
      .defaultValue(1024).validator(Validator.atLeast(1))
      .doc("The longest `source`, in UTF-8 bytes.");
  public static final ConfigKey<Integer> MAX_TYPE_BYTES = ConfigKey.integer("max-type-bytes")
      .defaultValue(256).validator(Validator.atLeast(1))
      .doc("The longest `type`, in UTF-8 bytes.");
  public static final ConfigKey<Integer> MAX_ATTRIBUTE_BYTES =
      ConfigKey.integer("max-attribute-bytes").defaultValue(1024)
          .validator(Validator.atLeast(1))
          .doc("The longest value of any other attribute (`subject`, `datacontenttype`,"
              + " `dataschema`) and of each extension, in UTF-8 bytes.");
  public static final ConfigKey<Integer> MAX_EXTENSIONS = ConfigKey.integer("max-extensions")
      .defaultValue(32).validator(Validator.atLeast(0))
      .doc("The most extension attributes one event may carry.");
  public static final ConfigKey<Integer> MAX_DATA_BYTES = ConfigKey.integer("max-data-bytes")
      .defaultValue(1024 * 1024).validator(Validator.atLeast(0))
      .doc("The largest `data`, in bytes, for types without their own limit.");
  public static final ConfigKey<List<String>> CONTENT_TYPES = ConfigKey.strings("content-types")
      .defaultValue(List.of("application/json", "text/plain", "application/octet-stream"))
      .doc("The allowed `datacontenttype` media types (parameters such as `charset` are"
          + " ignored); `application/*+json` types are allowed when `application/json` is. An"
          + " event without a content type is allowed.");
  public static final ConfigKey<Integer> JSON_MAX_DEPTH = ConfigKey.integer("json-max-depth")
      .defaultValue(32).validator(Validator.atLeast(1))
      .doc("The deepest nesting of arrays and objects in JSON data.");
  public static final ConfigKey<Settings> TYPES = ConfigKey.section("types")
      .doc("Per event type: a map from an exact type to its `max-data-bytes` and `schema` (a"
          + " JSON Schema file, draft 2020-12 unless it names another in `$schema`; relative"
          + " to the working directory).");

  public static final ConfigDef VALIDATION_DEF = ConfigDef.section("security.validation",
          "Checks on every event before it is stored or dispatched; a failing event gets"
              + " `INVALID` with the reason.")
      .define(MAX_ID_BYTES).define(MAX_SOURCE_BYTES).define(MAX_TYPE_BYTES)
      .define(MAX_ATTRIBUTE_BYTES).define(MAX_EXTENSIONS).define(MAX_DATA_BYTES)
      .define(CONTENT_TYPES).define(JSON_MAX_DEPTH).define(TYPES);

  // --- security.validation.types.<type>

  public static final ConfigKey<Integer> TYPE_MAX_DATA_BYTES =
      ConfigKey.integer("max-data-bytes").validator(Validator.atLeast(0))
          .doc("The largest `data` of this type, in bytes.");
  public static final ConfigKey<Path> SCHEMA = ConfigKey.path("schema")
      .doc("A JSON Schema file the data of this type must satisfy; the data must then be JSON.");

  public static final ConfigDef TYPE_DEF = ConfigDef.section("security.validation.types.<type>",
          "Rules for one event type.")
      .define(TYPE_MAX_DATA_BYTES).define(SCHEMA);

  /** Every section, for the configuration reference. */
  public static final List<ConfigDef> DEFS = List.of(SECURITY, AUTHENTICATION_DEF, LOCKOUT_DEF,
      HASHING_DEF, VALIDATION_DEF, TYPE_DEF);
}
