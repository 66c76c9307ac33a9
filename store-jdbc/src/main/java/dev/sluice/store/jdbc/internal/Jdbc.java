package dev.sluice.store.jdbc.internal;

import dev.sluice.store.jdbc.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work on the pool: in a transaction that is retried when it lost a race (deadlock,
 * serialization failure, duplicate insert) or when its connection broke before the commit was
 * sent. A failure while committing is never retried: the outcome is unknown, so it is reported.
 */
public final class Jdbc {
  private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);
  private static final int ATTEMPTS = 5;
  /** H2's "database is already closed", which it reports for a session that was aborted. */
  private static final int CLOSED_H2 = 90121;

  /** Work on a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;
  private final Dialect dialect;
  private final String description;
  private final java.util.function.Consumer<Connection> evictor;

  /**
   * @param evictor removes a broken connection from the pool: not every driver reports a killed
   *     session with an SQLState the pool recognises (H2 does not)
   */
  public Jdbc(DataSource dataSource, Dialect dialect, String description,
      java.util.function.Consumer<Connection> evictor) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.description = description;
    this.evictor = evictor;
  }

  public Dialect dialect() {
    return dialect;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Runs {@code work} in one transaction, retrying it when that is safe. */
  public <T> T inTransaction(String what, Work<T> work) {
    SQLException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      boolean committing = false;
      try (Connection c = dataSource.getConnection()) {
        // a pool configured without auto-commit hands out connections ready for transactions
        boolean switched = true;
        try {
          switched = c.getAutoCommit();
          if (switched) {
            c.setAutoCommit(false);
          }
          T result = work.run(c);
          committing = true;
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          evictIfBroken(c, e);
          rollbackQuietly(c, e);
          throw e;
        } finally {
          if (switched) {
            restoreAutoCommit(c);
          }
        }
      } catch (SQLException e) {
        last = e;
        if (committing) {
          throw new StoreException(description + ": the commit of " + what + " failed, its"
              + " outcome is unknown: " + e.getMessage(), e);
        }
        if (!retryable(e) || attempt == ATTEMPTS) {
          break;
        }
        LOG.debug("{}: retrying {} after {}", description, what, e.toString());
        if (!isBrokenConnection(e)) {
          // Two transactions that lost a race to each other must not retry in step: a short
          // random pause, growing with the attempts.
          long pauseMillis = ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
        }
      }
    }
    throw failure(what, last);
  }

  /** Runs {@code work} on a connection in auto-commit mode, retrying broken connections. */
  public <T> T autoCommit(String what, Work<T> work) {
    SQLException last = null;
    for (int attempt = 1; attempt <= 2; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        try {
          return work.run(c);
        } catch (SQLException e) {
          evictIfBroken(c, e);
          throw e;
        }
      } catch (SQLException e) {
        last = e;
        if (!isBrokenConnection(e)) {
          break;
        }
      }
    }
    throw failure(what, last);
  }

  public StoreException failure(String what, SQLException e) {
    return new StoreException(description + ": " + what + " failed: " + e.getMessage()
        + (isBrokenConnection(e) ? "; is the database reachable?" : ""), e);
  }

  private boolean retryable(SQLException e) {
    return dialect.isTransient(e) || isBrokenConnection(e);
  }

  /** SQLState class 08: the connection failed; HikariCP evicts it. */
  static boolean isBrokenConnection(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P")
          || s.getErrorCode() == CLOSED_H2)) {
        return true;
      }
      if (t instanceof java.sql.SQLRecoverableException
          || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.sql.SQLTransientConnectionException) {
        return true;
      }
    }
    return false;
  }

  private void evictIfBroken(Connection c, Exception e) {
    if (e instanceof SQLException s && isBrokenConnection(s)) {
      evictor.accept(c);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      LOG.debug("could not restore auto-commit; the pool will discard the connection", e);
    }
  }
}
