package dev.sluice.store.jdbc;

import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class H2TableSourceTest extends TableSourceContract {
  @Override
  Database newDatabase() {
    return Database.h2();
  }
}
