package dev.sluice.store.jdbc.internal;

import java.util.List;

/** MySQL 8 and MariaDB 10.6+, through MySQL Connector/J. */
final class MySqlDialect extends Dialect {

  @Override
  public String name() {
    return "mysql";
  }

  @Override
  public String nowMillis() {
    return "CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000 AS SIGNED)";
  }

  @Override
  protected String insertIfAbsentSql(String table, List<String> columns,
      List<String> values) {
    // Not INSERT IGNORE: that would also turn truncation and other errors into warnings.
    String key = columns.get(0);
    return "INSERT INTO " + table + " (" + join(columns) + ") VALUES (" + join(values)
        + ") ON DUPLICATE KEY UPDATE " + key + " = " + key;
  }

  @Override
  protected String upsertSql(String table, List<String> columns, List<String> values) {
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (")
        .append(join(columns)).append(") VALUES (").append(join(values))
        .append(") ON DUPLICATE KEY UPDATE ");
    for (int i = 1; i < columns.size(); i++) {
      // VALUES(col) works on MariaDB and MySQL 8 alike (MySQL's "AS new" alias does not).
      sql.append(i > 1 ? ", " : "").append(columns.get(i)).append(" = VALUES(")
          .append(columns.get(i)).append(')');
    }
    return sql.toString();
  }

  // insertCountsAreExact() stays false: with the driver's default CLIENT_FOUND_ROWS an
  // ON DUPLICATE KEY UPDATE that changes nothing still counts 1 (and a rewritten batch would
  // report no counts per row at all).

  /** InnoDB rolls back only the statement that hit a duplicate key, not the transaction. */
  @Override
  public boolean admitsOptimistically() {
    return true;
  }

  @Override
  public String sessionIdQuery() {
    return "SELECT CONNECTION_ID()";
  }
}
