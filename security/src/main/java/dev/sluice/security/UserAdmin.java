package dev.sluice.security;

import java.util.List;
import java.util.Set;

/**
 * Manages users for {@code sluice user add|list|remove|passwd}. Passwords are hashed (Argon2id)
 * before they are stored; the clear password never leaves the call, and callers should take it
 * from a prompt or standard input, never from command-line arguments (which other local users
 * can read), and wipe the array afterwards.
 *
 * <p>Thread-safe. Methods block for one password hash (tens of milliseconds) where they set a
 * password. Failures are {@link UserAdminException}s whose message says what to do.
 */
public interface UserAdmin {

  /** A user as listed: its name and roles (never its hash). */
  record UserSummary(String name, Set<String> roles) {
    public UserSummary {
      roles = Set.copyOf(roles);
    }
  }

  /** Adds a user; fails if the name is taken, invalid, or the password too short. */
  void add(String name, char[] password, Set<String> roles);

  /** Every user, by name. */
  List<UserSummary> list();

  /** Removes a user; false when there was none. */
  boolean remove(String name);

  /** Sets a new password; fails when the user does not exist or the password is too short. */
  void changePassword(String name, char[] password);

  /** Replaces the roles of a user; fails when the user does not exist. */
  void setRoles(String name, Set<String> roles);
}
