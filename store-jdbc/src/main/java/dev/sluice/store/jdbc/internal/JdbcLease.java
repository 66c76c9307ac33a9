package dev.sluice.store.jdbc.internal;

import dev.sluice.spi.Lease;

/** A lease granted from {@code sluice_locks}. */
final class JdbcLease implements Lease {
  private final String name;
  private final String owner;
  private final long token;
  private volatile boolean lost;

  JdbcLease(String name, String owner, long token) {
    this.name = name;
    this.owner = owner;
    this.token = token;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String owner() {
    return owner;
  }

  @Override
  public long fencingToken() {
    return token;
  }

  @Override
  public boolean isLost() {
    return lost;
  }

  void markLost() {
    lost = true;
  }

  @Override
  public String toString() {
    return "Lease{" + name + ", owner=" + owner + ", token=" + token + (lost ? ", lost" : "")
        + "}";
  }
}
