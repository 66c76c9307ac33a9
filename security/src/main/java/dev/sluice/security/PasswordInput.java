package dev.sluice.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads a password for {@code sluice user add|passwd}: from the terminal without echo (asked
 * twice when it is new), or, when there is no terminal ({@code echo ... | sluice user add}),
 * from the first line of standard input. Never from command-line arguments, which other local
 * users can read in the process list.
 *
 * <pre>{@code
 * char[] password = PasswordInput.readNew(Optional.ofNullable(System.console()),
 *     new InputStreamReader(System.in, UTF_8), "alice");
 * try {
 *   security.users().add("alice", password, roles);
 * } finally {
 *   Arrays.fill(password, '\0');
 * }
 * }</pre>
 */
public final class PasswordInput {
  private PasswordInput() {}

  /**
   * A new password for {@code user}: typed twice on the console, or the first line of
   * {@code stdin}.
   *
   * @throws IllegalArgumentException when the two entries differ or nothing was given
   */
  public static char[] readNew(Optional<Console> console, Reader stdin, String user) {
    if (console.isPresent()) {
      char[] first = console.get().readPassword("New password for %s: ", user);
      char[] second = console.get().readPassword("Repeat the password: ");
      try {
        if (first == null || second == null || first.length == 0) {
          throw new IllegalArgumentException("no password was entered");
        }
        if (!Arrays.equals(first, second)) {
          throw new IllegalArgumentException("the two passwords differ; nothing was changed");
        }
        return first.clone();
      } finally {
        wipe(first);
        wipe(second);
      }
    }
    return firstLine(stdin);
  }

  /** The first line of {@code stdin}, without its line break. */
  static char[] firstLine(Reader stdin) {
    try {
      BufferedReader reader = stdin instanceof BufferedReader b ? b : new BufferedReader(stdin);
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = reader.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
      if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
        line.setLength(line.length() - 1);
      }
      if (line.length() == 0) {
        throw new IllegalArgumentException("no password on standard input: type it at the"
            + " prompt, or pipe it in as the first line");
      }
      char[] password = new char[line.length()];
      line.getChars(0, line.length(), password, 0);
      line.setLength(0);
      return password;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the password from standard input: "
          + e.getMessage(), e);
    }
  }

  private static void wipe(char[] chars) {
    if (chars != null) {
      Arrays.fill(chars, '\0');
    }
  }
}
