package dev.sluice.spi;

/** A granted lock: its name, its holder and its fencing token. */
public interface Lease {

  String name();

  /** Who holds it: a server name and a unique suffix. */
  String owner();

  /** Larger than the token of every earlier grant of the same name. */
  long fencingToken();

  /** True once a renewal has failed or the lease was released. */
  boolean isLost();
}
