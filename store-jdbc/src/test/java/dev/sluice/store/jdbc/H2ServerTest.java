package dev.sluice.store.jdbc;

import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class H2ServerTest extends ServerContract {
  @Override
  Database newDatabase() {
    return Database.h2();
  }
}
