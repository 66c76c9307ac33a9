package dev.sluice.store.jdbc.internal;

import java.util.List;

/** PostgreSQL 12+. */
final class PostgresDialect extends Dialect {

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public String nowMillis() {
    // clock_timestamp(), not now(): now() is frozen at the start of the transaction.
    return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
  }

  @Override
  protected String insertIfAbsentSql(String table, List<String> columns,
      List<String> values) {
    return "INSERT INTO " + table + " (" + join(columns) + ") VALUES (" + join(values)
        + ") ON CONFLICT (" + columns.get(0) + ") DO NOTHING";
  }

  @Override
  protected String upsertSql(String table, List<String> columns, List<String> values) {
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (")
        .append(join(columns)).append(") VALUES (").append(join(values))
        .append(") ON CONFLICT (").append(columns.get(0)).append(") DO UPDATE SET ");
    for (int i = 1; i < columns.size(); i++) {
      sql.append(i > 1 ? ", " : "").append(columns.get(i)).append(" = EXCLUDED.")
          .append(columns.get(i));
    }
    return sql.toString();
  }

  @Override
  public boolean insertCountsAreExact() {
    return true;
  }

  @Override
  public String sessionIdQuery() {
    return "SELECT pg_backend_pid()";
  }

  @Override
  protected boolean isDuplicateKeyState(String state) {
    return "23505".equals(state);
  }
}
