package dev.sluice.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes done in the transaction of a fenced write ({@link JdbcStore#fenced}): they commit only if
 * the lease is still the newest grant of its lock when the transaction commits.
 *
 * @param <T> what the work answers
 */
@FunctionalInterface
public interface FencedWork<T> {
  /**
   * Runs on {@code connection}, inside a transaction the store commits or rolls back; do not
   * commit, roll back or close it.
   */
  T run(Connection connection) throws SQLException;
}
