package dev.sluice.security;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.ConfigValues;
import dev.sluice.config.Settings;
import dev.sluice.security.internal.auth.PasswordAuthenticator;
import dev.sluice.security.internal.guard.AccessRules;
import dev.sluice.security.internal.guard.EventValidator;
import dev.sluice.security.internal.guard.SchemaRegistries;
import dev.sluice.security.internal.guard.SecurityGuard;
import dev.sluice.security.internal.guard.TypePattern;
import dev.sluice.security.internal.guard.ValidationRules;
import dev.sluice.security.internal.hash.Argon2Hasher;
import dev.sluice.security.internal.hash.Argon2Parameters;
import dev.sluice.security.internal.hash.HashingPool;
import dev.sluice.security.internal.users.FileUserStore;
import dev.sluice.security.internal.users.FirstStart;
import dev.sluice.security.internal.users.StoreUserAdmin;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.EventGuard;
import dev.sluice.spi.UserStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security of one server, from its {@code security} section: an {@link Authenticator}, an
 * {@link EventGuard} (validation and authorization) and a {@link UserAdmin}.
 *
 * <pre>{@code
 * Security security = Security.from(config.security(), config.server().dataDirectory(),
 *     Optional.empty(), registry);
 * SluiceServer server = SluiceServer.builder(config)
 *     .authenticator(security.authenticator())
 *     .guard(security.guard())
 *     .build();
 * ...
 * security.close(); // after the server stopped
 * }</pre>
 *
 * <p>Building it binds the whole section (one {@link ConfigException} lists every problem),
 * loads the JSON schemas, and performs the secure first start: when authentication is required
 * and no user exists, it creates {@code admin} and writes its password to
 * {@code initial-admin-password} in the data directory. The parts are thread-safe; close it to
 * stop the password hashing threads.
 */
public final class Security implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Security.class);

  private final Authenticator authenticator;
  private final EventGuard guard;
  private final UserAdmin users;
  private final UserStore store;
  private final HashingPool pool;
  private final Optional<Path> firstStartPasswordFile;

  private Security(Authenticator authenticator, EventGuard guard, UserAdmin users,
      UserStore store, HashingPool pool, Optional<Path> firstStartPasswordFile) {
    this.authenticator = authenticator;
    this.guard = guard;
    this.users = users;
    this.store = store;
    this.pool = pool;
    this.firstStartPasswordFile = firstStartPasswordFile;
  }

  /**
   * Security from the {@code security} section.
   *
   * @param section the {@code security} section of the configuration
   * @param dataDirectory the server's data directory (users file, first-start password)
   * @param store the store's users when a store is configured; otherwise users live in
   *     {@code security.authentication.users-file}
   * @param metrics where login outcomes and lockouts are counted
   * @throws ConfigException listing every problem in the section
   */
  public static Security from(Settings section, Path dataDirectory, Optional<UserStore> store,
      MeterRegistry metrics) {
    return builder(section, dataDirectory).store(store).metrics(metrics).build();
  }

  /**
   * Only the user administration, for {@code sluice user} while the server may be running
   * elsewhere: binds the section like {@link #from}, but performs no first start and starts no
   * threads.
   *
   * @throws ConfigException listing every problem in the section
   */
  public static UserAdmin userAdmin(Settings section, Path dataDirectory,
      Optional<UserStore> store) {
    Security security = builder(section, dataDirectory).store(store).firstStart(false).build();
    security.close();
    return security.users();
  }

  public static Builder builder(Settings section, Path dataDirectory) {
    return new Builder(section, dataDirectory);
  }

  /** Checks who callers are; hand it to {@code SluiceServer.Builder.authenticator}. */
  public Authenticator authenticator() {
    return authenticator;
  }

  /** Validation then authorization of every event; hand it to {@code .guard}. */
  public EventGuard guard() {
    return guard;
  }

  /** User management for {@code sluice user}. */
  public UserAdmin users() {
    return users;
  }

  /** Where users live: the given store or the users file. */
  public UserStore userStore() {
    return store;
  }

  /** The file the first-start admin password was written to at this start, if any. */
  public Optional<Path> firstStartPasswordFile() {
    return firstStartPasswordFile;
  }

  /** Stops the hashing threads; logins fail afterwards. */
  @Override
  public void close() {
    pool.close();
  }

  /** Assembles {@link Security}; for tests and embedding that inject a clock. */
  public static final class Builder {
    private final Settings section;
    private final Path dataDirectory;
    private Optional<UserStore> store = Optional.empty();
    private MeterRegistry metrics;
    private Clock clock = Clock.systemUTC();
    private boolean firstStart = true;

    private Builder(Settings section, Path dataDirectory) {
      this.section = Objects.requireNonNull(section, "section");
      this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
    }

    public Builder store(Optional<UserStore> users) {
      this.store = Objects.requireNonNull(users, "users");
      return this;
    }

    public Builder metrics(MeterRegistry registry) {
      this.metrics = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The clock of lockouts and slowdowns. */
    public Builder clock(Clock lockoutClock) {
      this.clock = Objects.requireNonNull(lockoutClock, "lockoutClock");
      return this;
    }

    /**
     * Whether to create {@code admin} when authentication is required and no user exists (the
     * default); off for tools that only manage users.
     */
    public Builder firstStart(boolean createAdmin) {
      this.firstStart = createAdmin;
      return this;
    }

    public Security build() {
      List<ConfigProblem> problems = new ArrayList<>();
      ConfigValues top = SecurityConfig.SECURITY.bind(section, problems);
      ConfigValues auth = SecurityConfig.AUTHENTICATION_DEF.bind(
          top.get(SecurityConfig.AUTHENTICATION), problems);
      ConfigValues lockout = SecurityConfig.LOCKOUT_DEF.bind(auth.get(SecurityConfig.LOCKOUT),
          problems);
      ConfigValues hashing = SecurityConfig.HASHING_DEF.bind(auth.get(SecurityConfig.HASHING),
          problems);
      ConfigValues validation = SecurityConfig.VALIDATION_DEF.bind(
          top.get(SecurityConfig.VALIDATION), problems);
      Map<String, Set<String>> certificateRoles = stringLists(
          auth.get(SecurityConfig.CERTIFICATES), false, problems);
      Settings rolesSection = top.get(SecurityConfig.ROLES);
      Map<String, Set<String>> roles = stringLists(rolesSection, true, problems);
      ValidationRules rules = validationRules(validation, problems);
      if (!problems.isEmpty()) {
        throw new ConfigException(section.origin(), problems);
      }

      Argon2Parameters cost = new Argon2Parameters(
          hashing.get(SecurityConfig.MEMORY_KIB), hashing.get(SecurityConfig.ITERATIONS),
          hashing.get(SecurityConfig.PARALLELISM));
      if (cost.weakerThan(Argon2Parameters.OWASP)) {
        LOG.warn("security.authentication.hashing ({}) is below the OWASP recommendation ({});"
            + " stolen password hashes are cheaper to crack", cost, Argon2Parameters.OWASP);
      }
      Argon2Hasher hasher = new Argon2Hasher(cost);
      UserStore users = store.orElseGet(() -> new FileUserStore(
          dataDirectory.resolve(auth.get(SecurityConfig.USERS_FILE))));
      boolean required = auth.get(SecurityConfig.REQUIRED);
      Optional<Path> createdAdmin = required && firstStart
          ? FirstStart.run(users, hasher, dataDirectory, new SecureRandom())
          : Optional.empty();
      HashingPool pool = new HashingPool(hashing.get(SecurityConfig.THREADS),
          hashing.get(SecurityConfig.QUEUE));
      MeterRegistry registry = metrics != null ? metrics : new SimpleMeterRegistry();
      PasswordAuthenticator authenticator = new PasswordAuthenticator(required, users, hasher,
          pool, new PasswordAuthenticator.LockoutPolicy(
              lockout.get(SecurityConfig.SLOWDOWN_AFTER), lockout.get(SecurityConfig.SLOWDOWN),
              lockout.get(SecurityConfig.MAX_SLOWDOWN), lockout.get(SecurityConfig.ATTEMPTS),
              lockout.get(SecurityConfig.WINDOW), lockout.get(SecurityConfig.DURATION)),
          clock, certificateRoles, registry);
      AccessRules access = rolesSection.keys().isEmpty() ? AccessRules.defaults()
          : new AccessRules(patterns(roles));
      EventGuard guard = new SecurityGuard(new EventValidator(rules), access, registry);
      UserAdmin admin = new StoreUserAdmin(users, hasher,
          auth.get(SecurityConfig.MIN_PASSWORD_LENGTH));
      return new Security(authenticator, guard, admin, users, pool, createdAdmin);
    }

    private static Map<String, List<TypePattern>> patterns(Map<String, Set<String>> roles) {
      Map<String, List<TypePattern>> out = new LinkedHashMap<>();
      roles.forEach((role, list) -> out.put(role, list.stream().map(TypePattern::of).toList()));
      return out;
    }

    /** A map from names to lists of strings; type patterns when {@code patterns}. */
    private static Map<String, Set<String>> stringLists(Settings settings, boolean patterns,
        List<ConfigProblem> problems) {
      Map<String, Set<String>> out = new LinkedHashMap<>();
      for (String key : settings.keys()) {
        String path = settings.path().isEmpty() ? key : settings.path() + "." + key;
        List<String> values;
        try {
          values = settings.strings(key);
        } catch (ConfigException e) {
          problems.addAll(e.problems());
          continue;
        }
        if (patterns) {
          for (String p : values) {
            TypePattern.problem(p).ifPresent(problem -> problems.add(
                new ConfigProblem(path, settings.line(key), problem)));
          }
        }
        out.put(key, new LinkedHashSet<>(values));
      }
      return out;
    }

    private static ValidationRules validationRules(ConfigValues v, List<ConfigProblem> problems) {
      Settings typesSection = v.get(SecurityConfig.TYPES);
      Map<String, ValidationRules.TypeRules> types = new LinkedHashMap<>();
      SchemaRegistry registry = SchemaRegistries.bounded();
      for (String type : typesSection.keys()) {
        String path = typesSection.path() + "." + type;
        if (TypePattern.problem(type).isPresent() || type.contains("*")) {
          problems.add(new ConfigProblem(path, typesSection.line(type), "'" + type
              + "' is not an event type: rules apply to exact types such as 'orders.created'"));
          continue;
        }
        ConfigValues t = SecurityConfig.TYPE_DEF.bind(typesSection.section(type), problems);
        Schema schema = null;
        String schemaName = null;
        Optional<Path> schemaFile = t.find(SecurityConfig.SCHEMA);
        if (schemaFile.isPresent()) {
          schemaName = schemaFile.get().toString();
          try (InputStream in = Files.newInputStream(schemaFile.get())) {
            schema = registry.getSchema(in);
            schema.initializeValidators();
          } catch (IOException e) {
            problems.add(new ConfigProblem(path + ".schema",
                typesSection.section(type).line("schema"), "cannot read the JSON Schema "
                    + schemaFile.get().toAbsolutePath() + ": " + e.getMessage()));
          } catch (SchemaException | IllegalArgumentException e) {
            problems.add(new ConfigProblem(path + ".schema",
                typesSection.section(type).line("schema"), "the JSON Schema " + schemaFile.get()
                    + " is not valid: " + e.getMessage()));
          } catch (RuntimeException e) {
            problems.add(new ConfigProblem(path + ".schema",
                typesSection.section(type).line("schema"), "the JSON Schema " + schemaFile.get()
                    + " could not be loaded: " + e));
          }
        }
        types.put(type, new ValidationRules.TypeRules(
            t.find(SecurityConfig.TYPE_MAX_DATA_BYTES).orElse(-1), schema, schemaName));
      }
      Set<String> contentTypes = new LinkedHashSet<>();
      for (String ct : v.find(SecurityConfig.CONTENT_TYPES).orElse(List.of())) {
        contentTypes.add(ct.strip().toLowerCase(Locale.ROOT));
      }
      return new ValidationRules(
          v.find(SecurityConfig.MAX_ID_BYTES).orElse(256),
          v.find(SecurityConfig.MAX_SOURCE_BYTES).orElse(1024),
          v.find(SecurityConfig.MAX_TYPE_BYTES).orElse(256),
          v.find(SecurityConfig.MAX_ATTRIBUTE_BYTES).orElse(1024),
          v.find(SecurityConfig.MAX_EXTENSIONS).orElse(32),
          v.find(SecurityConfig.MAX_DATA_BYTES).orElse(1024 * 1024),
          contentTypes,
          v.find(SecurityConfig.JSON_MAX_DEPTH).orElse(32),
          types);
    }
  }
}
