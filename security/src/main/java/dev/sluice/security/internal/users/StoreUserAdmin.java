package dev.sluice.security.internal.users;

import dev.sluice.security.UserAdmin;
import dev.sluice.security.UserAdminException;
import dev.sluice.security.internal.hash.Argon2Hasher;
import dev.sluice.spi.UserRecord;
import dev.sluice.spi.UserStore;
import java.util.List;
import java.util.Set;

/** {@link UserAdmin} over any {@link UserStore}. */
public final class StoreUserAdmin implements UserAdmin {
  static final int MAX_NAME = 64;
  static final int MAX_PASSWORD = 1024;

  private final UserStore store;
  private final Argon2Hasher hasher;
  private final int minPasswordLength;

  public StoreUserAdmin(UserStore store, Argon2Hasher hasher, int minPasswordLength) {
    this.store = store;
    this.hasher = hasher;
    this.minPasswordLength = minPasswordLength;
  }

  @Override
  public synchronized void add(String name, char[] password, Set<String> roles) {
    checkName(name);
    checkRoles(roles);
    if (store.find(name).isPresent()) {
      throw new UserAdminException("user '" + name + "' already exists; change its password"
          + " with 'sluice user passwd " + name + "' or remove it first");
    }
    checkPassword(password);
    store.put(new UserRecord(name, hasher.hash(password), roles));
  }

  @Override
  public List<UserSummary> list() {
    return store.list().stream().map(u -> new UserSummary(u.name(), u.roles())).toList();
  }

  @Override
  public synchronized boolean remove(String name) {
    return store.remove(name);
  }

  @Override
  public synchronized void changePassword(String name, char[] password) {
    UserRecord user = existing(name);
    checkPassword(password);
    store.put(new UserRecord(name, hasher.hash(password), user.roles()));
  }

  @Override
  public synchronized void setRoles(String name, Set<String> roles) {
    checkRoles(roles);
    UserRecord user = existing(name);
    store.put(new UserRecord(name, user.passwordHash(), roles));
  }

  private UserRecord existing(String name) {
    return store.find(name).orElseThrow(() -> new UserAdminException("there is no user '"
        + name + "'; list users with 'sluice user list' or add it with 'sluice user add'"));
  }

  /** Names that are safe in logs, files and command lines: letters, digits, {@code ._@-}. */
  static void checkName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
      throw new UserAdminException("a user name must have 1 to " + MAX_NAME + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '@' || c == '-';
      if (!ok) {
        throw new UserAdminException("user name '" + name + "' may hold only letters, digits,"
            + " '.', '_', '@' and '-'");
      }
    }
  }

  private static void checkRoles(Set<String> roles) {
    for (String role : roles) {
      if (role.isBlank() || role.length() > MAX_NAME) {
        throw new UserAdminException("a role must have 1 to " + MAX_NAME + " characters, got '"
            + role + "'");
      }
    }
  }

  private void checkPassword(char[] password) {
    if (password == null || password.length < minPasswordLength) {
      throw new UserAdminException("the password must have at least " + minPasswordLength
          + " characters (security.authentication.min-password-length)");
    }
    if (password.length > MAX_PASSWORD) {
      throw new UserAdminException("the password must have at most " + MAX_PASSWORD
          + " characters");
    }
  }
}
