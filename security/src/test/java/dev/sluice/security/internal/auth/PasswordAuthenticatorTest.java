package dev.sluice.security.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sluice.security.LoginBusyException;
import dev.sluice.security.MutableClock;
import dev.sluice.security.internal.hash.Argon2Hasher;
import dev.sluice.security.internal.hash.Argon2Parameters;
import dev.sluice.security.internal.hash.HashingPool;
import dev.sluice.security.internal.users.FileUserStore;
import dev.sluice.spi.AuthenticationException;
import dev.sluice.spi.Principal;
import dev.sluice.spi.UserRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordAuthenticatorTest {
  private static final Argon2Parameters FAST = new Argon2Parameters(64, 1, 1);
  private static final PasswordAuthenticator.LockoutPolicy POLICY =
      new PasswordAuthenticator.LockoutPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(8),
          6, Duration.ofMinutes(15), Duration.ofMinutes(10));
  private static final String HOME = "10.0.0.7:50001";

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock();
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final Argon2Hasher hasher = new Argon2Hasher(FAST);
  private HashingPool pool;
  private FileUserStore users;
  private PasswordAuthenticator auth;

  @BeforeEach
  void setUp() {
    pool = new HashingPool(2, 8);
    users = new FileUserStore(dir.resolve("users.json"));
    users.put(new UserRecord("alice", hasher.hash("alice-secret-1".toCharArray()),
        Set.of("producer")));
    auth = new PasswordAuthenticator(true, users, hasher, pool, POLICY, clock,
        Map.of("device-17", Set.of("sensor")), metrics);
  }

  @AfterEach
  void tearDown() {
    pool.close();
  }

  private Principal login(String user, String password, String address) throws Exception {
    try {
      return auth.login(user, password.toCharArray(), address).toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private String failure(String user, String password, String address) {
    try {
      login(user, password, address);
      throw new AssertionError("the login of " + user + " succeeded");
    } catch (AuthenticationException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private double counter(String name, String tag, String value) {
    return metrics.counter(name, tag, value).count();
  }

  @Test
  void signsInWithTheRightPasswordAndTheUsersRoles() throws Exception {
    Principal p = login("alice", "alice-secret-1", HOME);

    assertThat(p).isEqualTo(new Principal("alice", Set.of("producer")));
    assertThat(counter("sluice.security.logins", "outcome", "success")).isEqualTo(1.0);
  }

  @Test
  void wrongEmptyAndUnknownLookAlike() {
    String wrong = failure("alice", "alice-secret-2", HOME);
    String empty = failure("alice", "", "10.0.0.8:1");
    String unknown = failure("nobody", "alice-secret-1", "10.0.0.9:1");
    String noName = failure("", "x", "10.0.0.10:1");

    assertThat(wrong).isEqualTo("wrong user name or password");
    assertThat(empty).isEqualTo(wrong);
    assertThat(unknown).isEqualTo(wrong);
    assertThat(noName).isEqualTo(wrong);
    assertThat(counter("sluice.security.logins", "outcome", "failure")).isEqualTo(4.0);
  }

  @Test
  void slowsDownAfterAFewFailuresThenLetsTheUserTryAgain() throws Exception {
    for (int i = 0; i < 3; i++) {
      failure("alice", "guess-" + i, HOME);
    }

    assertThat(failure("alice", "alice-secret-1", HOME))
        .isEqualTo("too many failed logins; wait 1s before trying again");
    clock.advance(Duration.ofSeconds(1));
    assertThat(login("alice", "alice-secret-1", HOME).name()).isEqualTo("alice");
  }

  @Test
  void waitsLongerWithEachFurtherFailure() {
    for (int i = 0; i < 3; i++) {
      failure("alice", "guess-" + i, HOME);
    }
    clock.advance(Duration.ofSeconds(1));
    failure("alice", "guess-3", HOME);

    assertThat(failure("alice", "guess-4", HOME))
        .isEqualTo("too many failed logins; wait 2s before trying again");
  }

  @Test
  void locksOutAUserThenLetsItInWhenTheLockoutExpires() throws Exception {
    for (int i = 0; i < 6; i++) {
      failure("alice", "guess-" + i, "10.0.0." + i + ":4000"); // spread over addresses
      clock.advance(Duration.ofSeconds(10));
    }

    assertThat(failure("alice", "alice-secret-1", HOME))
        .isEqualTo("too many failed logins: locked out; try again in 590s");
    assertThat(counter("sluice.security.lockouts", "scope", "user")).isEqualTo(1.0);
    clock.advance(Duration.ofMinutes(9));
    assertThat(failure("alice", "alice-secret-1", HOME)).contains("locked out");

    clock.advance(Duration.ofMinutes(1));
    assertThat(login("alice", "alice-secret-1", HOME).name()).isEqualTo("alice");
  }

  @Test
  void locksOutAnAddressThatTriesManyUsers() throws Exception {
    for (int i = 0; i < 6; i++) {
      failure("user" + i, "guess", "198.51.100.9:" + (1000 + i));
      clock.advance(Duration.ofSeconds(10));
    }

    assertThat(failure("alice", "alice-secret-1", "198.51.100.9:2000")).contains("locked out");
    assertThat(counter("sluice.security.lockouts", "scope", "address")).isEqualTo(1.0);
    // the real user from elsewhere is not affected
    assertThat(login("alice", "alice-secret-1", HOME).name()).isEqualTo("alice");
  }

  @Test
  void locksOutUnknownUsersExactlyLikeKnownOnes() {
    for (int i = 0; i < 6; i++) {
      failure("ghost", "guess-" + i, "10.1.0." + i + ":1");
      failure("alice", "guess-" + i, "10.2.0." + i + ":1");
      clock.advance(Duration.ofSeconds(10));
    }

    assertThat(failure("ghost", "x", HOME)).isEqualTo(failure("alice", "x", HOME));
  }

  @Test
  void forgetsFailuresOutsideTheWindow() throws Exception {
    for (int i = 0; i < 2; i++) {
      failure("alice", "guess-" + i, HOME);
    }
    clock.advance(Duration.ofMinutes(16));
    for (int i = 0; i < 2; i++) {
      failure("alice", "guess-" + i, HOME);
    }

    // four failures, but never three within the window: no slowdown
    assertThat(login("alice", "alice-secret-1", HOME).name()).isEqualTo("alice");
  }

  @Test
  void aBurstOfParallelGuessesGetsNoMoreTriesThanTheLockoutAllows() throws Exception {
    try (HashingPool slow = new HashingPool(1, 64)) {
      PasswordAuthenticator burst = new PasswordAuthenticator(true, users, hasher, slow, POLICY,
          clock, Map.of(), metrics);
      CountDownLatch release = new CountDownLatch(1);
      slow.submit(() -> {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
      List<CompletableFuture<Principal>> attempts = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        attempts.add(burst.login("alice", ("guess-" + i).toCharArray(), "10.9.0." + i + ":1")
            .toCompletableFuture());
      }

      long refusedAtOnce = attempts.stream().filter(CompletableFuture::isDone).count();
      release.countDown();
      CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
          .handle((v, t) -> null).get(30, TimeUnit.SECONDS);

      assertThat(refusedAtOnce).isEqualTo(14); // attempts: 6
      assertThat(counter("sluice.security.logins", "outcome", "failure")).isEqualTo(6.0);
      CompletableFuture<Principal> after = burst.login("alice", "alice-secret-1".toCharArray(),
          HOME).toCompletableFuture();
      assertThatThrownBy(() -> after.get(30, TimeUnit.SECONDS)).cause()
          .isInstanceOf(AuthenticationException.class).hasMessageContaining("locked out");
    }
  }

  @Test
  void upgradesAWeakHashAtTheNextSuccessfulLogin() throws Exception {
    Argon2Hasher stronger = new Argon2Hasher(new Argon2Parameters(128, 2, 1));
    PasswordAuthenticator upgraded = new PasswordAuthenticator(true, users, stronger, pool,
        POLICY, clock, Map.of(), metrics);
    String before = users.find("alice").orElseThrow().passwordHash();

    upgraded.login("alice", "alice-secret-1".toCharArray(), HOME).toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    String after = users.find("alice").orElseThrow().passwordHash();
    assertThat(before).startsWith("$argon2id$v=19$m=64,t=1,p=1$");
    assertThat(after).startsWith("$argon2id$v=19$m=128,t=2,p=1$");
    assertThat(stronger.verify("alice-secret-1".toCharArray(), after)).isTrue();
    assertThat(users.find("alice").orElseThrow().roles()).containsExactly("producer");
  }

  @Test
  void failsFastWithARetryableErrorWhenHashingIsSaturated() throws Exception {
    try (HashingPool tiny = new HashingPool(1, 1)) {
      PasswordAuthenticator busy = new PasswordAuthenticator(true, users, hasher, tiny, POLICY,
          clock, Map.of(), metrics);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(1);
      tiny.submit(() -> {
        running.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Principal> queued = busy.login("alice", "alice-secret-1".toCharArray(),
          HOME).toCompletableFuture();

      CompletableFuture<Principal> refused = busy.login("alice",
          "alice-secret-1".toCharArray(), HOME).toCompletableFuture();

      assertThat(refused).isCompletedExceptionally();
      Throwable cause = refused.handle((p, t) -> t.getCause()).get();
      assertThat(cause).isInstanceOf(LoginBusyException.class)
          .hasMessage("the server is busy checking other logins; retry in a moment");
      release.countDown();
      assertThat(queued.get(30, TimeUnit.SECONDS).name()).isEqualTo("alice");
      assertThat(counter("sluice.security.logins", "outcome", "busy")).isEqualTo(1.0);
      assertThat(counter("sluice.security.logins", "outcome", "failure")).isZero();
    }
  }

  @Test
  void mapsAClientCertificateToAUserOrToConfiguredRoles() throws Exception {
    users.put(new UserRecord("svc-billing", hasher.hash("unused-password".toCharArray()),
        Set.of("billing")));

    assertThat(auth.certificate(chain("CN=svc-billing, O=Acme, C=DE")))
        .isEqualTo(new Principal("svc-billing", Set.of("billing")));
    assertThat(auth.certificate(chain("CN=device-17,OU=Sensors")))
        .isEqualTo(new Principal("device-17", Set.of("sensor")));
  }

  @Test
  void refusesACertificateThatMapsToNothing() {
    try {
      auth.certificate(chain("CN=stranger, O=Elsewhere"));
      throw new AssertionError("accepted");
    } catch (AuthenticationException e) {
      assertThat(e).hasMessage("the client certificate is not allowed on this server");
    }
    try {
      auth.certificate(chain("O=No Common Name"));
      throw new AssertionError("accepted");
    } catch (AuthenticationException e) {
      assertThat(e).hasMessageContaining("has no subject CN");
    }
  }

  @Test
  void logsCallerSuppliedNamesOnlyInPrintableBoundedForm() {
    assertThat(PasswordAuthenticator.printable("eve\nINFO forged line")).isEqualTo(
        "eve?INFO forged line");
    assertThat(PasswordAuthenticator.printable("x".repeat(1000))).isEqualTo("x".repeat(64)
        + "...");
    // a huge name is still just a failed login
    assertThat(failure("n".repeat(100_000), "pw", HOME)).isEqualTo("wrong user name or password");
  }

  @Test
  void readsTheHostOfEveryAddressForm() {
    assertThat(PasswordAuthenticator.host("10.0.0.7:51234")).hasValue("10.0.0.7");
    assertThat(PasswordAuthenticator.host("/10.0.0.7:51234")).hasValue("10.0.0.7");
    assertThat(PasswordAuthenticator.host("localhost/127.0.0.1:9")).hasValue("127.0.0.1");
    assertThat(PasswordAuthenticator.host("[::1]:51234")).hasValue("::1");
    assertThat(PasswordAuthenticator.host("fe80::1")).hasValue("fe80::1");
    assertThat(PasswordAuthenticator.host(null)).isEmpty();
  }

  private static X509Certificate[] chain(String subject) {
    X509Certificate cert = mock(X509Certificate.class);
    when(cert.getSubjectX500Principal()).thenReturn(new X500Principal(subject));
    return new X509Certificate[] {cert};
  }
}
