package dev.sluice.testkit.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.ServiceUnavailableException;
import org.junit.jupiter.api.Test;

class JdbcServiceResolverTest {
  @Test
  void failsWithHowToStartWhenNothingAnswers() {
    // Port 1 on loopback: refused at once. The prefix is one no environment sets.
    JdbcServiceResolver.Spec spec = new JdbcServiceResolver.Spec("ExampleDB",
        "SLUICE_TEST_EXAMPLEDB_" + UniqueNames.next("X").toUpperCase(),
        new JdbcEndpoint("jdbc:mysql://127.0.0.1:1/test", "root", "", "local service"),
        () -> {
          throw new IllegalStateException("no image for ExampleDB");
        },
        "exampledb --start");

    var thrown = assertThatThrownBy(() -> JdbcServiceResolver.resolve(spec))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("ExampleDB");
    if (Docker.available()) {
      thrown.hasMessageContaining("container did not start")
          .hasMessageContaining("no image for ExampleDB");
    } else {
      thrown.hasMessageContaining("jdbc:mysql://127.0.0.1:1/test")
          .hasMessageContaining("`exampledb --start`")
          .hasMessageContaining(spec.overridePrefix() + "_URL")
          .hasCauseInstanceOf(java.sql.SQLException.class);
    }
  }
}
