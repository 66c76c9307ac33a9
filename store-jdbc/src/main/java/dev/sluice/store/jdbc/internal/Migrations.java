package dev.sluice.store.jdbc.internal;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/** The store's schema: Flyway migrations under {@code db/sluice/<dialect>}. */
public final class Migrations {
  /** Flyway's bookkeeping table, prefixed like every table of the store. */
  public static final String HISTORY_TABLE = "sluice_schema_history";

  private Migrations() {
  }

  /**
   * Creates or upgrades the schema to {@code target} ({@code null}: the latest).
   *
   * @return the version the schema is at afterwards
   */
  public static String migrate(DataSource dataSource, Dialect dialect, String target) {
    var configuration = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:db/sluice/" + dialect.name())
        .table(HISTORY_TABLE)
        // A database that already holds other tables (a shared schema) starts at version 0.
        .baselineOnMigrate(true)
        .baselineVersion("0");
    if (target != null) {
      configuration.target(MigrationVersion.fromVersion(target));
    }
    MigrateResult result = configuration.load().migrate();
    return result.targetSchemaVersion != null ? result.targetSchemaVersion
        : configuration.load().info().current().getVersion().getVersion();
  }
}
