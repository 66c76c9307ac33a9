package dev.sluice.security.internal.auth;

import dev.sluice.security.LoginBusyException;
import dev.sluice.security.internal.hash.Argon2Hasher;
import dev.sluice.security.internal.hash.HashingPool;
import dev.sluice.spi.AuthenticationException;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Principal;
import dev.sluice.spi.UserRecord;
import dev.sluice.spi.UserStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users and passwords from a {@link UserStore}, Argon2id on a bounded pool, and throttling of
 * failures per user and per remote address.
 *
 * <p>What a caller can learn is the same whether the user exists or not: an unknown user costs
 * one hash like a wrong password, gets the same message, and is throttled and locked out the
 * same way. Lockouts are logged (user name and address, never the password) and counted in
 * {@code sluice.security.lockouts}; outcomes in {@code sluice.security.logins}.
 */
public final class PasswordAuthenticator implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordAuthenticator.class);
  static final String WRONG = "wrong user name or password";
  /** Longer names are refused as unknown without touching the store. */
  static final int MAX_NAME = 256;
  /** Longer passwords are refused after the same work, so their length cannot cost more. */
  static final int MAX_PASSWORD = 1024;
  private static final int MAX_TRACKED_KEYS = 100_000;

  private final boolean required;
  private final UserStore users;
  private final Argon2Hasher hasher;
  private final HashingPool pool;
  private final LoginThrottle throttle;
  private final Clock clock;
  private final Map<String, Set<String>> certificateRoles;
  private final MeterRegistry metrics;
  private final Counter successes;
  private final Counter failures;

  public PasswordAuthenticator(boolean required, UserStore users, Argon2Hasher hasher,
      HashingPool pool, LockoutPolicy lockout, Clock clock,
      Map<String, Set<String>> certificateRoles, MeterRegistry metrics) {
    this.required = required;
    this.users = users;
    this.hasher = hasher;
    this.pool = pool;
    this.clock = clock;
    this.throttle = new LoginThrottle(lockout.toThrottlePolicy(), clock, MAX_TRACKED_KEYS);
    this.certificateRoles = Map.copyOf(certificateRoles);
    this.metrics = metrics;
    this.successes = metrics.counter("sluice.security.logins", "outcome", "success");
    this.failures = metrics.counter("sluice.security.logins", "outcome", "failure");
  }

  /** The lockout settings; see {@code security.authentication.lockout}. */
  public record LockoutPolicy(int slowdownAfter, Duration slowdown, Duration maxSlowdown,
      int attempts, Duration window, Duration duration) {
    LoginThrottle.Policy toThrottlePolicy() {
      return new LoginThrottle.Policy(slowdownAfter, slowdown, maxSlowdown, attempts, window,
          duration);
    }
  }

  @Override
  public boolean required() {
    return required;
  }

  @Override
  public Principal anonymous() {
    return new Principal("anonymous", Set.of("anonymous"));
  }

  @Override
  public CompletionStage<Principal> login(String username, char[] password,
      String remoteAddress) {
    String name = username == null ? "" : username;
    // the name comes from the caller: bounded in the throttle's memory, printable in logs
    String userKey = "user:" + (name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name);
    String shown = printable(name);
    Optional<String> addressKey = host(remoteAddress).map(h -> "address:" + h);
    Optional<LoginThrottle.Refusal> refusal = throttle.begin(userKey);
    if (refusal.isEmpty() && addressKey.isPresent()) {
      refusal = throttle.begin(addressKey.get());
      if (refusal.isPresent()) {
        throttle.abandoned(userKey);
      }
    }
    if (refusal.isPresent()) {
      metrics.counter("sluice.security.logins", "outcome",
          refusal.get().lockedOut() ? "locked-out" : "throttled").increment();
      return CompletableFuture.failedFuture(new AuthenticationException(describe(
          refusal.get())));
    }
    char[] secret = password == null ? new char[0] : password.clone();
    CompletableFuture<Optional<UserRecord>> checked = pool.submit(() -> {
      try {
        return check(name, secret);
      } finally {
        Arrays.fill(secret, '\0');
      }
    });
    return checked.handle((user, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        throttle.abandoned(userKey);
        addressKey.ifPresent(throttle::abandoned);
        if (cause instanceof HashingPool.HashingBusyException) {
          metrics.counter("sluice.security.logins", "outcome", "busy").increment();
          LOG.warn("login of '{}' from {} refused: {}", shown, remoteAddress,
              cause.getMessage());
          throw new CompletionException(new LoginBusyException(
              "the server is busy checking other logins; retry in a moment"));
        }
        LOG.error("login of '{}' from {} failed unexpectedly", shown, remoteAddress, cause);
        throw new CompletionException(new AuthenticationException(
            "the login could not be checked; retry later or ask the operator"));
      }
      if (user.isEmpty()) {
        failures.increment();
        recordFailure(userKey, "user '" + shown + "'", remoteAddress);
        addressKey.ifPresent(k -> recordFailure(k, "address " + k.substring(8), remoteAddress));
        throw new CompletionException(new AuthenticationException(WRONG));
      }
      successes.increment();
      throttle.succeeded(userKey);
      addressKey.ifPresent(throttle::abandoned);
      return new Principal(user.get().name(), user.get().roles());
    });
  }

  /** On a hashing thread: the user if the password matches. */
  private Optional<UserRecord> check(String name, char[] password) {
    Optional<UserRecord> user = name.isEmpty() || name.length() > MAX_NAME ? Optional.empty()
        : users.find(name);
    if (user.isEmpty() || password.length == 0 || password.length > MAX_PASSWORD) {
      hasher.burn(password.length > MAX_PASSWORD ? new char[0] : password);
      return Optional.empty();
    }
    if (!hasher.verify(password, user.get().passwordHash())) {
      return Optional.empty();
    }
    upgradeIfWeak(user.get(), password);
    return user;
  }

  /**
   * Rehashes with the configured parameters after a successful login with a weaker hash, on the
   * hashing thread that still holds the password. A failure to store it is logged; the next
   * login tries again.
   */
  private void upgradeIfWeak(UserRecord user, char[] password) {
    if (!hasher.needsRehash(user.passwordHash())) {
      return;
    }
    try {
      users.put(new UserRecord(user.name(), hasher.hash(password), user.roles()));
      LOG.info("upgraded the password hash of user '{}' to {}", user.name(),
          hasher.parameters());
    } catch (RuntimeException e) {
      LOG.warn("could not upgrade the password hash of user '{}'; the next login retries",
          user.name(), e);
    }
  }

  private void recordFailure(String key, String who, String remoteAddress) {
    if (throttle.failed(key)) {
      String scope = key.startsWith("user:") ? "user" : "address";
      metrics.counter("sluice.security.lockouts", "scope", scope).increment();
      LOG.warn("{} is locked out of logins (last attempt from {}) after repeated failures",
          who, remoteAddress);
    }
  }

  private String describe(LoginThrottle.Refusal refusal) {
    long seconds = Math.max(1, Duration.between(clock.instant(), refusal.until()).toSeconds());
    return refusal.lockedOut()
        ? "too many failed logins: locked out; try again in " + seconds + "s"
        : "too many failed logins; wait " + seconds + "s before trying again";
  }

  @Override
  public Principal certificate(X509Certificate[] chain) throws AuthenticationException {
    if (chain == null || chain.length == 0) {
      throw new AuthenticationException("no client certificate was presented");
    }
    String subject = chain[0].getSubjectX500Principal().getName();
    String cn = commonName(subject).orElseThrow(() -> new AuthenticationException(
        "the client certificate has no subject CN; it cannot be mapped to a user"));
    Optional<UserRecord> user = users.find(cn);
    if (user.isPresent()) {
      return new Principal(cn, user.get().roles());
    }
    Set<String> roles = certificateRoles.get(cn);
    if (roles != null) {
      return new Principal(cn, roles);
    }
    LOG.warn("client certificate '{}' is trusted but maps to no user and no roles; add a user"
        + " named '{}' or list it under security.authentication.certificates", subject, cn);
    throw new AuthenticationException("the client certificate is not allowed on this server");
  }

  static Optional<String> commonName(String subject) {
    try {
      List<Rdn> rdns = new LdapName(subject).getRdns();
      // most specific last in LdapName order
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return Optional.of(String.valueOf(rdns.get(i).getValue()));
        }
      }
      return Optional.empty();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }

  /** At most 64 characters, control characters as {@code ?}: safe to log. */
  static String printable(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), 64) + 3);
    for (int i = 0; i < text.length() && i < 64; i++) {
      char c = text.charAt(i);
      sb.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
    }
    return text.length() > 64 ? sb.append("...").toString() : sb.toString();
  }

  /** {@code 10.0.0.7:51234}, {@code /10.0.0.7:51234} or {@code [::1]:51234} to the host. */
  static Optional<String> host(String remoteAddress) {
    if (remoteAddress == null || remoteAddress.isBlank()) {
      return Optional.empty();
    }
    String a = remoteAddress.strip();
    int slash = a.indexOf('/');
    if (slash >= 0) {
      a = a.substring(slash + 1);
    }
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      return Optional.of(close > 0 ? a.substring(1, close) : a);
    }
    int colon = a.indexOf(':');
    if (colon >= 0 && colon == a.lastIndexOf(':')) {
      return Optional.of(a.substring(0, colon));
    }
    return Optional.of(a);
  }
}
