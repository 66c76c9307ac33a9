package dev.sluice.spi;

import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller: a user name (or a client certificate's subject) and its roles, which
 * decide the event types it may send.
 *
 * @param name the user name, never blank
 * @param roles the roles granted to it, possibly empty
 */
public record Principal(String name, Set<String> roles) {
  public Principal {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a principal needs a name");
    }
    roles = Set.copyOf(roles);
  }

  /** A principal with the given roles. */
  public static Principal of(String name, String... roles) {
    return new Principal(name, Set.of(roles));
  }
}
