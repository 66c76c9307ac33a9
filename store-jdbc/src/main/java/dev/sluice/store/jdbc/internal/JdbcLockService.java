package dev.sluice.store.jdbc.internal;

import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.spi.LockService;
import dev.sluice.spi.LockTimeoutException;
import dev.sluice.spi.LockedWork;
import dev.sluice.store.jdbc.FencedWork;
import dev.sluice.store.jdbc.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases in {@code sluice_locks}: a grant is one UPDATE that succeeds only when the row is free
 * or its lease has expired by the database's clock, and adds one to its token. Waiters poll
 * with a growing pause (up to {@code store.locks.poll-interval}); a release in this JVM wakes
 * them at once. A lease lives in the table, not in a session, so a broken connection does not
 * lose it: the next statement runs on a fresh connection.
 */
public final class JdbcLockService implements LockService {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLockService.class);
  private static final int MAX_NAME = 512;
  private static final long FIRST_PAUSE_MILLIS = 2;

  private final Jdbc jdbc;
  private final String ownerPrefix;
  private final long pollMillis;
  private final AtomicLong grants = new AtomicLong();
  private final Object released = new Object();
  private final ScheduledExecutorService renewer;
  private final Counter acquired;
  private final Counter lost;
  private final String grantSql;
  private final String createSql;
  private final String renewSql;
  private final String checkSql;

  public JdbcLockService(Jdbc jdbc, String serverName, Duration pollInterval,
      MeterRegistry metrics) {
    this.jdbc = jdbc;
    this.ownerPrefix = serverName + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    this.pollMillis = Math.max(FIRST_PAUSE_MILLIS, pollInterval.toMillis());
    String now = jdbc.dialect().nowMillis();
    this.grantSql = "UPDATE sluice_locks SET owner = ?, token = token + 1, expires_at = " + now
        + " + ? WHERE name = ? AND (owner IS NULL OR expires_at <= " + now + ")";
    this.createSql = jdbc.dialect().insertIfAbsent("sluice_locks",
        List.of("name", "owner", "token", "expires_at"), List.of("?", "NULL", "0", "0"));
    this.renewSql = "UPDATE sluice_locks SET expires_at = " + now + " + ? WHERE name = ?"
        + " AND owner = ? AND token = ? AND expires_at > " + now;
    this.checkSql = "SELECT owner, token, CASE WHEN expires_at > " + now + " THEN 1 ELSE 0 END"
        + " FROM sluice_locks WHERE name = ? FOR UPDATE";
    this.acquired = Counter.builder("sluice.store.locks.acquired").register(metrics);
    this.lost = Counter.builder("sluice.store.locks.lost").register(metrics);
    ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "sluice-store-lock-renewer");
      t.setDaemon(true);
      return t;
    });
    ex.setRemoveOnCancelPolicy(true);
    this.renewer = ex;
  }

  @Override
  public Optional<Lease> acquire(String name, Duration lease, Duration waitTimeout)
      throws InterruptedException {
    checkName(name);
    long deadline = System.nanoTime() + waitTimeout.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    while (true) {
      Optional<Lease> granted;
      try {
        granted = tryAcquire(name, lease);
      } catch (StoreException e) {
        // The database is unreachable or lost the connection: keep trying until the wait ends.
        LOG.debug("acquiring lock '{}' failed, retrying: {}", name, e.getMessage());
        granted = Optional.empty();
        if (System.nanoTime() - deadline >= 0) {
          throw e;
        }
      }
      if (granted.isPresent()) {
        return granted;
      }
      long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (leftMillis <= 0) {
        return Optional.empty();
      }
      long sleep = Math.min(leftMillis, ThreadLocalRandom.current().nextLong(pause / 2, pause + 1));
      synchronized (released) {
        released.wait(Math.max(1, sleep));
      }
      pause = Math.min(pollMillis, pause * 2);
    }
  }

  /** One try: a single grant statement, creating the lock's row the first time. */
  private Optional<Lease> tryAcquire(String name, Duration lease) {
    String owner = ownerPrefix + grants.incrementAndGet();
    return jdbc.autoCommit("acquiring lock '" + name + "'", c -> {
      if (grant(c, owner, name, lease) == 0) {
        try (PreparedStatement ps = c.prepareStatement(createSql)) {
          ps.setString(1, name);
          ps.executeUpdate();
        } catch (SQLException e) {
          if (!jdbc.dialect().isDuplicateKey(e)) {
            throw e;
          }
        }
        if (grant(c, owner, name, lease) == 0) {
          return Optional.empty();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT token FROM sluice_locks WHERE name = ? AND owner = ?")) {
        ps.setString(1, name);
        ps.setString(2, owner);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty(); // expired and taken over already: a lease shorter than a query
          }
          acquired.increment();
          return Optional.of(new JdbcLease(name, owner, rs.getLong(1)));
        }
      }
    });
  }

  private int grant(Connection c, String owner, String name, Duration lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(grantSql)) {
      ps.setString(1, owner);
      ps.setLong(2, lease.toMillis());
      ps.setString(3, name);
      return ps.executeUpdate();
    }
  }

  @Override
  public boolean renew(Lease lease, Duration extension) {
    JdbcLease held = own(lease);
    if (held.isLost()) {
      return false;
    }
    boolean renewed = jdbc.autoCommit("renewing lock '" + lease.name() + "'", c -> {
      try (PreparedStatement ps = c.prepareStatement(renewSql)) {
        ps.setLong(1, extension.toMillis());
        ps.setString(2, held.name());
        ps.setString(3, held.owner());
        ps.setLong(4, held.fencingToken());
        return ps.executeUpdate() == 1;
      }
    });
    if (!renewed) {
      held.markLost();
      lost.increment();
    }
    return renewed;
  }

  @Override
  public void release(Lease lease) {
    JdbcLease held = own(lease);
    held.markLost();
    try {
      jdbc.autoCommit("releasing lock '" + lease.name() + "'", c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sluice_locks SET owner = NULL,"
            + " expires_at = 0 WHERE name = ? AND owner = ? AND token = ?")) {
          ps.setString(1, held.name());
          ps.setString(2, held.owner());
          ps.setLong(3, held.fencingToken());
          return ps.executeUpdate();
        }
      });
    } finally {
      synchronized (released) {
        released.notifyAll();
      }
    }
  }

  @Override
  public <T> T withLock(String name, Duration lease, Duration waitTimeout, LockedWork<T> work)
      throws Exception {
    JdbcLease held = (JdbcLease) acquire(name, lease, waitTimeout)
        .orElseThrow(() -> new LockTimeoutException(name, waitTimeout));
    Thread worker = Thread.currentThread();
    long period = Math.max(1, lease.toMillis() / 3);
    long[] lastRenewal = {System.nanoTime()};
    ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(() -> {
      boolean ok;
      try {
        ok = renew(held, lease);
        if (ok) {
          lastRenewal[0] = System.nanoTime();
        }
      } catch (StoreException e) {
        // Unknown whether it still holds: lost only once the lease has surely run out.
        ok = System.nanoTime() - lastRenewal[0] < lease.toNanos();
        LOG.warn("renewing {} failed: {}", held, e.getMessage());
        if (!ok) {
          held.markLost();
          lost.increment();
        }
      }
      if (!ok) {
        LOG.warn("lost {} while its work was running; interrupting the work", held);
        worker.interrupt();
        throw new IllegalStateException("lease lost"); // ends the schedule
      }
    }, period, period, TimeUnit.MILLISECONDS);
    try {
      return work.run(held);
    } finally {
      renewal.cancel(false);
      try {
        release(held);
      } catch (StoreException e) {
        LOG.warn("releasing {} failed; it expires by itself: {}", held, e.getMessage());
      }
    }
  }

  /**
   * Runs {@code work} in a transaction that first locks the lease's row and checks that the
   * lease is still the newest grant and unexpired; a newer grant has to wait for the commit.
   *
   * @throws FencedWriteException when the lease was lost; nothing was written
   */
  public <T> T fenced(Lease lease, FencedWork<T> work) throws FencedWriteException {
    Objects.requireNonNull(lease, "lease");
    try {
      return jdbc.inTransaction("a fenced write under lock '" + lease.name() + "'", c -> {
        long newest = newestOtherwise(c, lease);
        if (newest >= 0) {
          throw new Fenced(new FencedWriteException(lease.name(), lease.fencingToken(), newest));
        }
        return work.run(c);
      });
    } catch (Fenced f) {
      return rethrow(f);
    }
  }

  private static <T> T rethrow(Fenced f) throws FencedWriteException {
    throw f.exception;
  }

  /** -1 when {@code lease} holds its lock now; otherwise the newest token. */
  private long newestOtherwise(Connection c, Lease lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(checkSql)) {
      ps.setString(1, lease.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return 0;
        }
        long token = rs.getLong(2);
        boolean holds = !lease.isLost() && token == lease.fencingToken()
            && lease.owner().equals(rs.getString(1)) && rs.getInt(3) == 1;
        return holds ? -1 : token;
      }
    }
  }

  public void close() {
    renewer.shutdownNow();
  }

  private static JdbcLease own(Lease lease) {
    if (lease instanceof JdbcLease held) {
      return held;
    }
    throw new IllegalArgumentException(lease + " was not granted by the JDBC lock service");
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
      throw new IllegalArgumentException("a lock name must be 1 to " + MAX_NAME
          + " characters, got " + (name == null ? "null" : name.length() + " characters"));
    }
  }

  /** Carries the refusal out of the transaction, which rolls back. */
  private static final class Fenced extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient FencedWriteException exception;

    Fenced(FencedWriteException exception) {
      super(null, null, false, false);
      this.exception = exception;
    }
  }
}
