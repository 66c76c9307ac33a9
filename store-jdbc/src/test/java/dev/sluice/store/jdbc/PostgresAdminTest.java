package dev.sluice.store.jdbc;

class PostgresAdminTest extends AdminContract {
  @Override
  Database newDatabase() {
    return Database.postgres();
  }
}
