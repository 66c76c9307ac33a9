package dev.sluice.store.jdbc;

class H2AdminTest extends AdminContract {
  @Override
  Database newDatabase() {
    return Database.h2();
  }
}
