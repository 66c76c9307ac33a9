package dev.sluice.security;

import dev.sluice.security.internal.users.FirstStart;
import dev.sluice.spi.Credentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the credentials of {@code sluice send} and {@code sluice bench}, in this order:
 * <ol>
 *   <li>{@code --user NAME} with the password from {@code --password-file FILE} (its first
 *       line) or else from the environment variable {@value #PASSWORD_ENV};</li>
 *   <li>without {@code --user}: the first-start password file
 *       ({@code <data directory>/initial-admin-password}) as user {@code admin}, when the
 *       client runs on the server's machine as the server's account;</li>
 *   <li>otherwise none: the client connects anonymously.</li>
 * </ol>
 * Passwords never come from command-line arguments, which other local users can read.
 */
public final class ClientCredentials {
  /** The environment variable that holds the password for {@code --user}. */
  public static final String PASSWORD_ENV = "SLUICE_PASSWORD";

  private ClientCredentials() {}

  /**
   * Resolves the credentials as described above.
   *
   * @param user the {@code --user} option
   * @param passwordFile the {@code --password-file} option
   * @param env the environment, normally {@code System.getenv()}
   * @param dataDirectory the server's data directory from the configuration
   * @throws IllegalArgumentException with a message for the user when the options do not fit
   *     together or a file cannot be read
   */
  public static Optional<Credentials> resolve(Optional<String> user, Optional<Path> passwordFile,
      Map<String, String> env, Path dataDirectory) {
    Objects.requireNonNull(env, "env");
    if (user.isPresent()) {
      String name = user.get();
      if (name.isBlank()) {
        throw new IllegalArgumentException("--user needs a user name");
      }
      if (passwordFile.isPresent()) {
        return Optional.of(new Credentials(name, readPassword(passwordFile.get(),
            "--password-file")));
      }
      String fromEnv = env.get(PASSWORD_ENV);
      if (fromEnv != null && !fromEnv.isEmpty()) {
        return Optional.of(new Credentials(name, fromEnv.toCharArray()));
      }
      throw new IllegalArgumentException("--user " + name + " needs a password: set the"
          + " environment variable " + PASSWORD_ENV + " or pass --password-file FILE");
    }
    if (passwordFile.isPresent()) {
      throw new IllegalArgumentException("--password-file needs --user NAME to say whose"
          + " password it is");
    }
    Path initial = dataDirectory.resolve(FirstStart.PASSWORD_FILE);
    if (!Files.isReadable(initial)) {
      return Optional.empty();
    }
    return Optional.of(new Credentials(FirstStart.ADMIN, readPassword(initial,
        "the first-start password file")));
  }

  private static char[] readPassword(Path file, String what) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      String line = end < 0 ? text : text.substring(0, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        throw new IllegalArgumentException(what + " " + file + " is empty; its first line"
            + " must be the password");
      }
      return line.toCharArray();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + what + " " + file + ": "
          + e.getMessage(), e);
    }
  }
}
