package dev.sluice.spi;

import java.util.Objects;
import java.util.Set;

/**
 * A stored user: its name, its password hash (a PHC string such as
 * {@code $argon2id$v=19$m=19456,t=2,p=1$...}, never the password) and its roles.
 */
public record UserRecord(String name, String passwordHash, Set<String> roles) {
  public UserRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(passwordHash, "passwordHash");
    roles = Set.copyOf(roles);
  }

  @Override
  public String toString() {
    return "UserRecord{name=" + name + ", roles=" + roles + "}";
  }
}
