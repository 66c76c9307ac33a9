package dev.sluice.store.jdbc;

import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresTableSourceTest extends TableSourceContract {
  @Override
  Database newDatabase() {
    return Database.postgres();
  }
}
