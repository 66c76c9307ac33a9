package dev.sluice.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcEndpointTest {
  private static JdbcEndpoint at(String url) {
    return new JdbcEndpoint(url, "u", "p", "test");
  }

  @Test
  void replacesTheDatabaseAndKeepsParameters() {
    assertThat(at("jdbc:mysql://127.0.0.1:3306/test").withDatabase("x").url())
        .isEqualTo("jdbc:mysql://127.0.0.1:3306/x");
    assertThat(at("jdbc:postgresql://h:5432/test?sslmode=disable").withDatabase("x").url())
        .isEqualTo("jdbc:postgresql://h:5432/x?sslmode=disable");
    assertThat(at("jdbc:mysql://h:3306?useSSL=false").withDatabase("x").url())
        .isEqualTo("jdbc:mysql://h:3306/x?useSSL=false");
    assertThat(at("jdbc:mysql://h").withDatabase("x").url()).isEqualTo("jdbc:mysql://h/x");
  }

  @Test
  void toStringHidesThePassword() {
    JdbcEndpoint endpoint = new JdbcEndpoint("jdbc:mysql://h/test", "u", "s3cret", "test");
    assertThat(endpoint.toString()).isEqualTo("jdbc:mysql://h/test as u (test)");
  }
}
