package dev.sluice.store.jdbc.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The SQL that differs between the databases the store runs on; everything else is standard SQL
 * shared by all three. Statements are built only from the fixed identifiers passed in by the
 * store's own code (and an allow-listed table name for the table source), never from event
 * content: values always travel as parameters.
 */
public abstract class Dialect {
  /** A plain, unquoted SQL identifier. */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  /** The dialect for a JDBC URL, or an error naming the URLs that are supported. */
  public static Dialect forUrl(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      return new H2Dialect();
    }
    if (lower.startsWith("jdbc:mysql:")) {
      return new MySqlDialect();
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      return new PostgresDialect();
    }
    throw new IllegalArgumentException("store.url '" + JdbcUrls.mask(url) + "' names no supported"
        + " database; use jdbc:h2:..., jdbc:mysql://host:3306/db (MySQL and MariaDB) or"
        + " jdbc:postgresql://host:5432/db");
  }

  /** The name of the migrations folder, {@code db/sluice/<name>}, and for logs. */
  public abstract String name();

  /** An expression for the database clock now, in epoch milliseconds (a BIGINT). */
  public abstract String nowMillis();

  /**
   * An INSERT of one row that does nothing (update count 0) when a row with the same
   * {@code key} exists. {@code values} are SQL fragments, {@code ?} or an expression; the key
   * must be the first column. The table and columns must be plain identifiers.
   */
  public final String insertIfAbsent(String table, List<String> columns, List<String> values) {
    checkIdentifiers(table, columns);
    return insertIfAbsentSql(table, columns, values);
  }

  /** An INSERT that replaces the row with the same {@code key}, the first column. */
  public final String upsert(String table, List<String> columns, List<String> values) {
    checkIdentifiers(table, columns);
    return upsertSql(table, columns, values);
  }

  /** {@link #insertIfAbsent} in this database's SQL; identifiers already checked. */
  protected abstract String insertIfAbsentSql(String table, List<String> columns,
      List<String> values);

  /** {@link #upsert} in this database's SQL; identifiers already checked. */
  protected abstract String upsertSql(String table, List<String> columns, List<String> values);

  /** A query answering this connection's session id on the server (for KILL and the like). */
  public abstract String sessionIdQuery();

  /**
   * True when {@link #insertIfAbsent}'s update count is exactly 1 for an inserted row and 0 for
   * an existing one, so an admission batch whose rows all count 1 need not be read back.
   */
  public boolean insertCountsAreExact() {
    return false;
  }

  /**
   * True when an admission batch should first try plain INSERTs: a duplicate key then fails the
   * statement alone, leaving the transaction usable, and the store falls back to
   * {@link #insertIfAbsent} and a read-back. Worth it where update counts are not exact, so the
   * common case (every event new) needs no read-back.
   */
  public boolean admitsOptimistically() {
    return false;
  }

  /** A plain INSERT of one row; {@code values} as in {@link #insertIfAbsent}. */
  public final String insert(String table, List<String> columns, List<String> values) {
    checkIdentifiers(table, columns);
    return "INSERT INTO " + table + " (" + join(columns) + ") VALUES (" + join(values) + ")";
  }

  /**
   * True for a unique-key violation raised by a race between two inserts of the same key, in
   * {@code e} or an exception it carries (a batch reports its statement's failure as its cause).
   */
  public final boolean isDuplicateKey(SQLException e) {
    return anyInChain(e, this::isDuplicateKeyState);
  }

  /**
   * True when the transaction lost a race (deadlock, serialization failure, lock wait timeout,
   * duplicate insert) and running it again can succeed; causes are looked at as well.
   */
  public final boolean isTransient(SQLException e) {
    return anyInChain(e, state -> state.startsWith("40") || isDuplicateKeyState(state));
  }

  /** Whether an SQLState is this database's unique-key violation. */
  protected boolean isDuplicateKeyState(String state) {
    return "23505".equals(state) || "23000".equals(state);
  }

  private static boolean anyInChain(SQLException e, Predicate<String> state) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null && state.test(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Refuses a table or column name that is not a plain identifier: statements are assembled
   * from names, so only names that cannot carry SQL may go into them.
   */
  private static void checkIdentifiers(String table, List<String> columns) {
    if (!IDENTIFIER.matcher(table).matches()) {
      throw new IllegalArgumentException("not a plain table name: '" + table + "'");
    }
    for (String column : columns) {
      if (!IDENTIFIER.matcher(column).matches()) {
        throw new IllegalArgumentException("not a plain column name: '" + column + "'");
      }
    }
  }

  static String join(List<String> parts) {
    return String.join(", ", parts);
  }

  @Override
  public String toString() {
    return name();
  }
}
