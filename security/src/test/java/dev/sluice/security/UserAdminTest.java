package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.Settings;
import dev.sluice.spi.AuthenticationException;
import dev.sluice.spi.Principal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserAdminTest {
  @TempDir
  Path data;

  private Security security;
  private UserAdmin users;

  @BeforeEach
  void setUp() {
    security = Security.from(Settings.of(Map.of("authentication", Map.of("required", false,
            "hashing", SecurityTest.FAST_HASHING))), data, Optional.empty(),
        new SimpleMeterRegistry());
    users = security.users();
  }

  @AfterEach
  void tearDown() {
    security.close();
  }

  private Principal login(String name, String password) throws Exception {
    try {
      return security.authenticator().login(name, password.toCharArray(), "127.0.0.1:1")
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  @Test
  void addsListsAndRemovesUsers() throws Exception {
    users.add("alice", "alice-password-1".toCharArray(), Set.of("producer"));
    users.add("bob", "bob-password-123".toCharArray(), Set.of());

    assertThat(users.list()).containsExactly(
        new UserAdmin.UserSummary("alice", Set.of("producer")),
        new UserAdmin.UserSummary("bob", Set.of()));
    assertThat(login("alice", "alice-password-1").roles()).containsExactly("producer");
    assertThat(Files.readString(data.resolve("users.json")))
        .doesNotContain("alice-password-1");

    assertThat(users.remove("bob")).isTrue();
    assertThat(users.remove("bob")).isFalse();
    assertThat(users.list()).extracting(UserAdmin.UserSummary::name).containsExactly("alice");
  }

  @Test
  void changesAPasswordSoOnlyTheNewOneWorks() throws Exception {
    users.add("alice", "alice-password-1".toCharArray(), Set.of("producer"));

    users.changePassword("alice", "alice-password-2".toCharArray());

    assertThat(login("alice", "alice-password-2").roles()).containsExactly("producer");
    assertThatThrownBy(() -> login("alice", "alice-password-1"))
        .isInstanceOf(AuthenticationException.class);
  }

  @Test
  void changesRolesAndKeepsThePassword() throws Exception {
    users.add("alice", "alice-password-1".toCharArray(), Set.of("producer"));

    users.setRoles("alice", Set.of("admin", "producer"));

    assertThat(login("alice", "alice-password-1").roles())
        .containsExactlyInAnyOrder("admin", "producer");
  }

  @Test
  void managesUsersWithoutAFirstStartForTheCommandLine(@TempDir Path fresh) throws Exception {
    UserAdmin admin = Security.userAdmin(Settings.of(Map.of("authentication", Map.of(
        "hashing", SecurityTest.FAST_HASHING))), fresh, Optional.empty());

    admin.add("alice", "alice-password-1".toCharArray(), Set.of("producer"));

    assertThat(admin.list()).extracting(UserAdmin.UserSummary::name).containsExactly("alice");
    assertThat(Files.exists(fresh.resolve("initial-admin-password"))).isFalse();
  }

  @Test
  void refusesWhatItCannotDoWithMessagesThatSayWhatToDo() {
    users.add("alice", "alice-password-1".toCharArray(), Set.of());

    assertThatThrownBy(() -> users.add("alice", "another-password".toCharArray(), Set.of()))
        .isInstanceOf(UserAdminException.class)
        .hasMessage("user 'alice' already exists; change its password with 'sluice user passwd"
            + " alice' or remove it first");
    assertThatThrownBy(() -> users.add("carol", "short".toCharArray(), Set.of()))
        .hasMessage("the password must have at least 12 characters"
            + " (security.authentication.min-password-length)");
    assertThatThrownBy(() -> users.add("bad name", "long-enough-pass".toCharArray(), Set.of()))
        .hasMessage("user name 'bad name' may hold only letters, digits, '.', '_', '@' and '-'");
    assertThatThrownBy(() -> users.add("", "long-enough-pass".toCharArray(), Set.of()))
        .hasMessage("a user name must have 1 to 64 characters");
    assertThatThrownBy(() -> users.changePassword("nobody", "long-enough-pass".toCharArray()))
        .hasMessage("there is no user 'nobody'; list users with 'sluice user list' or add it"
            + " with 'sluice user add'");
    assertThatThrownBy(() -> users.setRoles("nobody", Set.of("x")))
        .hasMessageStartingWith("there is no user 'nobody'");
    assertThat(users.list()).hasSize(1);
  }
}
