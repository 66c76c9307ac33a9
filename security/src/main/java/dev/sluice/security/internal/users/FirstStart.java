package dev.sluice.security.internal.users;

import dev.sluice.security.internal.hash.Argon2Hasher;
import dev.sluice.spi.UserRecord;
import dev.sluice.spi.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secure first start: when authentication is required and there is no user yet, creates
 * {@code admin} (role {@code admin}) with a random password, stores only its hash, and writes the
 * clear password once to {@value #PASSWORD_FILE} in the data directory, readable only by its
 * owner. Local clients ({@code sluice send}) read that file when given no credentials.
 */
public final class FirstStart {
  public static final String PASSWORD_FILE = "initial-admin-password";
  public static final String ADMIN = "admin";
  private static final Logger LOG = LoggerFactory.getLogger(FirstStart.class);
  /** 18 random bytes: 144 bits, 24 characters of URL-safe Base64. */
  private static final int PASSWORD_BYTES = 18;

  private FirstStart() {}

  /** The file the password went to, or empty when users already existed. */
  public static Optional<Path> run(UserStore store, Argon2Hasher hasher, Path dataDirectory,
      SecureRandom random) {
    if (!store.list().isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = new byte[PASSWORD_BYTES];
    random.nextBytes(bytes);
    char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
        .toCharArray();
    Arrays.fill(bytes, (byte) 0);
    try {
      String hash = hasher.hash(password);
      store.put(new UserRecord(ADMIN, hash, Set.of(ADMIN)));
      // several servers may share one store: only the one whose hash was kept writes the file
      Optional<UserRecord> kept = store.find(ADMIN);
      if (kept.isEmpty() || !kept.get().passwordHash().equals(hash)) {
        LOG.info("another server created the first user '{}' at the same time; its password is"
            + " in that server's data directory", ADMIN);
        return Optional.empty();
      }
      Path file = dataDirectory.resolve(PASSWORD_FILE).toAbsolutePath();
      OwnerOnlyFiles.write(file, new String(password) + "\n");
      LOG.warn("no user existed, so user '{}' was created with a random password; it is in {}"
          + " (readable only by this account). Local 'sluice send' and 'sluice bench' use it."
          + " Change it with 'sluice user passwd {}', then delete the file.", ADMIN, file,
          ADMIN);
      return Optional.of(file);
    } catch (IOException e) {
      throw new UncheckedIOException("created user '" + ADMIN + "' but could not write its"
          + " password to " + dataDirectory.resolve(PASSWORD_FILE) + ": " + e.getMessage()
          + "; make the data directory writable, then set the password with"
          + " 'sluice user passwd " + ADMIN + "'", e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }
}
