package dev.sluice.store.jdbc.internal;

import java.util.ArrayList;
import java.util.List;

/** Embedded H2 2.x: the standard MERGE statement. */
final class H2Dialect extends Dialect {

  @Override
  public String name() {
    return "h2";
  }

  @Override
  public String nowMillis() {
    return "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP(3)) * 1000 AS BIGINT)";
  }

  @Override
  protected String insertIfAbsentSql(String table, List<String> columns,
      List<String> values) {
    String key = columns.get(0);
    List<String> inserted = new ArrayList<>(values);
    inserted.set(0, "s." + key);
    return "MERGE INTO " + table + " t USING (SELECT CAST(" + values.get(0) + " AS VARCHAR) AS "
        + key + ") s ON t." + key + " = s." + key + " WHEN NOT MATCHED THEN INSERT ("
        + join(columns) + ") VALUES (" + join(inserted) + ")";
  }

  @Override
  protected String upsertSql(String table, List<String> columns, List<String> values) {
    return "MERGE INTO " + table + " (" + join(columns) + ") KEY (" + columns.get(0) + ") VALUES ("
        + join(values) + ")";
  }

  @Override
  public boolean insertCountsAreExact() {
    return true;
  }

  @Override
  public String sessionIdQuery() {
    return "SELECT SESSION_ID()";
  }
}
