package dev.sluice.store.jdbc;

import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresEventStoreTest extends EventStoreContract {
  @Override
  Database newDatabase() {
    return Database.postgres();
  }
}
