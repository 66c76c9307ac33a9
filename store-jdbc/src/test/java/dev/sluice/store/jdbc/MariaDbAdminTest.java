package dev.sluice.store.jdbc;

class MariaDbAdminTest extends AdminContract {
  @Override
  Database newDatabase() {
    return Database.mariaDb();
  }
}
