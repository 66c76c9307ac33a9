package dev.sluice.spi;

import java.util.List;
import java.util.Optional;

/**
 * Where users live: the store's {@code sluice_users} table (store-jdbc), or a file when no store
 * is configured (security). Thread-safe.
 */
public interface UserStore {

  Optional<UserRecord> find(String name);

  /** Every user, by name. */
  List<UserRecord> list();

  /** Adds the user, or replaces the one with the same name. */
  void put(UserRecord user);

  /** Removes the user; false when there was none. */
  boolean remove(String name);
}
