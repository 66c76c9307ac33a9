package dev.sluice.security.internal.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.security.internal.hash.Argon2Hasher;
import dev.sluice.security.internal.hash.Argon2Parameters;
import dev.sluice.spi.UserRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileUserStoreTest {
  private static final Argon2Hasher HASHER = new Argon2Hasher(new Argon2Parameters(64, 1, 1));

  @TempDir
  Path dir;

  private static UserRecord user(String name, String password, String... roles) {
    return new UserRecord(name, HASHER.hash(password.toCharArray()), Set.of(roles));
  }

  @Test
  void keepsUsersAcrossInstancesWithOnlyTheirHashes() throws Exception {
    Path file = dir.resolve("users.json");
    FileUserStore store = new FileUserStore(file);

    store.put(user("alice", "alice-password-1", "producer"));
    store.put(user("bob", "bob-password-22"));

    FileUserStore reopened = new FileUserStore(file);
    assertThat(reopened.list()).extracting(UserRecord::name).containsExactly("alice", "bob");
    UserRecord alice = reopened.find("alice").orElseThrow();
    assertThat(alice.roles()).containsExactly("producer");
    assertThat(HASHER.verify("alice-password-1".toCharArray(), alice.passwordHash())).isTrue();
    String text = Files.readString(file);
    assertThat(text).contains("$argon2id$v=19$m=64,t=1,p=1$")
        .doesNotContain("alice-password-1").doesNotContain("bob-password-22");
  }

  @Test
  void writesTheFileReadableOnlyByItsOwnerAndLeavesNoTemporaryFiles() throws Exception {
    Path file = dir.resolve("users.json");
    FileUserStore store = new FileUserStore(file);

    store.put(user("alice", "pw-alice-123"));
    store.put(user("carol", "pw-carol-123"));
    store.remove("carol");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    Path lock = dir.resolve("users.json.lock");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactlyInAnyOrder(file, lock);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)))
        .isEqualTo("rw-------");
  }

  @Test
  void seesChangesMadeByAnotherProcess() {
    Path file = dir.resolve("users.json");
    FileUserStore server = new FileUserStore(file);
    assertThat(server.find("dave")).isEmpty();

    new FileUserStore(file).put(user("dave", "dave-password-1", "admin"));

    assertThat(server.find("dave")).isPresent();
    assertThat(new FileUserStore(file).remove("dave")).isTrue();
    assertThat(server.find("dave")).isEmpty();
  }

  @Test
  void losesNoChangeWhenTwoWritersShareTheFile() throws Exception {
    Path file = dir.resolve("users.json");
    FileUserStore server = new FileUserStore(file);
    FileUserStore command = new FileUserStore(file);
    String hash = HASHER.hash("shared-password".toCharArray());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        FileUserStore store = i % 2 == 0 ? server : command;
        String name = "user" + i;
        writes.add(pool.submit(() -> store.put(new UserRecord(name, hash, Set.of()))));
      }
      for (Future<?> w : writes) {
        w.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(new FileUserStore(file).list()).hasSize(40);
  }

  @Test
  void ignoresAClearPasswordTypedIntoTheFile() throws Exception {
    Path file = dir.resolve("users.json");
    Files.writeString(file, """
        {"users": [
          {"name": "mallory", "hash": "letmein", "roles": ["admin"]},
          {"name": "alice", "hash": "%s", "roles": []}
        ]}
        """.formatted(HASHER.hash("alice-pw-1234".toCharArray())));

    FileUserStore store = new FileUserStore(file);

    assertThat(store.find("mallory")).isEmpty();
    assertThat(store.find("alice")).isPresent();
  }

  @Test
  void refusesToStoreAnythingButAHash() {
    FileUserStore store = new FileUserStore(dir.resolve("users.json"));

    assertThatThrownBy(() -> store.put(new UserRecord("eve", "plain-password", Set.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the password of user 'eve' is not an Argon2id hash; the users file stores"
            + " only hashes");
    assertThat(Files.exists(dir.resolve("users.json"))).isFalse();
  }

  @Test
  void reportsAnUnreadableFileByName() throws Exception {
    Path file = dir.resolve("users.json");
    Files.writeString(file, "{not json");

    assertThatThrownBy(() -> new FileUserStore(file).list())
        .hasMessageStartingWith("cannot read the users file " + file + ": not valid JSON");
  }

  @Test
  void removingAnUnknownUserChangesNothing() {
    FileUserStore store = new FileUserStore(dir.resolve("users.json"));

    assertThat(store.remove("nobody")).isFalse();
    assertThat(store.list()).isEmpty();
  }
}
