package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.config.ConfigException;
import dev.sluice.config.Settings;
import dev.sluice.config.SluiceConfig;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.Principal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityTest {
  /** Cheap hashing for tests; production keeps the OWASP defaults. */
  static final Map<String, Object> FAST_HASHING = Map.of("memory-kib", 64, "iterations", 1);

  @TempDir
  Path data;

  private Security security(String yaml) {
    Settings section = SluiceConfig.parse(yaml, "test.yaml", Map.of()).security();
    return Security.from(section, data, Optional.empty(), new SimpleMeterRegistry());
  }

  @Test
  void firstStartCreatesAdminAndWritesItsPasswordForTheOwnerOnly() throws Exception {
    try (Security security = security("""
        security:
          authentication:
            hashing: {memory-kib: 64, iterations: 1}
        """)) {
      Path file = data.resolve("initial-admin-password");
      assertThat(security.firstStartPasswordFile()).hasValue(file.toAbsolutePath());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      String password = Files.readString(file).strip();
      assertThat(password).hasSize(24);
      assertThat(Files.readString(data.resolve("users.json"))).contains("\"admin\"")
          .doesNotContain(password);

      Credentials local = ClientCredentials.resolve(Optional.empty(), Optional.empty(), Map.of(),
          data).orElseThrow();
      Principal admin = security.authenticator().login(local.username(), local.password(),
          "127.0.0.1:1").toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(admin).isEqualTo(new Principal("admin", Set.of("admin")));
    }
  }

  @Test
  void laterStartsKeepTheExistingUsers() throws Exception {
    String yaml = "security: {authentication: {hashing: {memory-kib: 64, iterations: 1}}}";
    String firstPassword;
    try (Security first = security(yaml)) {
      firstPassword = Files.readString(data.resolve("initial-admin-password"));
    }
    try (Security second = security(yaml)) {
      assertThat(second.firstStartPasswordFile()).isEmpty();
      assertThat(second.users().list()).hasSize(1);
      assertThat(Files.readString(data.resolve("initial-admin-password")))
          .isEqualTo(firstPassword);
    }
  }

  @Test
  void createsNoUserWhenAuthenticationIsOff() {
    try (Security security = security("security: {authentication: {required: false}}")) {
      assertThat(security.authenticator().required()).isFalse();
      assertThat(security.firstStartPasswordFile()).isEmpty();
      assertThat(security.users().list()).isEmpty();
      assertThat(Files.exists(data.resolve("initial-admin-password"))).isFalse();
      assertThat(security.authenticator().anonymous().roles()).containsExactly("anonymous");
    }
  }

  @Test
  void reportsEveryProblemOfTheSectionAtOnce() {
    assertThatThrownBy(() -> security("""
        security:
          authentication:
            requird: true
            lockout: {attempts: 0}
          roles:
            producer: ["orders.*", "bad pattern"]
          validation:
            max-data-bytes: -1
            types:
              "orders.*": {max-data-bytes: 10}
              orders.created: {schema: /nonexistent/order.schema.json}
          tls: {anything: goes}
        """))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .extracting(p -> p.path() + ": " + p.message())
            .containsExactlyInAnyOrder(
                "security.authentication.requird: unknown key; did you mean 'required'?",
                "security.authentication.lockout.attempts: expected at least 1, got 0",
                "security.roles.producer: 'bad pattern' is not a valid event type pattern:"
                    + " expected an exact type such as 'orders.created', a prefix such as"
                    + " 'orders.*', or '*'",
                "security.validation.max-data-bytes: expected at least 0, got -1",
                "security.validation.types.orders.*: 'orders.*' is not an event type: rules"
                    + " apply to exact types such as 'orders.created'",
                "security.validation.types.orders.created.schema: cannot read the JSON Schema"
                    + " /nonexistent/order.schema.json: /nonexistent/order.schema.json"));
  }

  @Test
  void neverFetchesASchemaFromTheNetwork() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    http.createContext("/", exchange -> {
      fetches.incrementAndGet();
      byte[] body = "{\"type\": \"string\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    http.start();
    try {
      Path schema = data.resolve("remote.json");
      Files.writeString(schema, """
          {"$schema": "https://json-schema.org/draft/2020-12/schema",
           "type": "object",
           "properties": {"a": {"$ref": "http://127.0.0.1:%d/a.json"}}}
          """.formatted(http.getAddress().getPort()));

      assertThatThrownBy(() -> security("""
          security:
            authentication: {required: false}
            validation:
              types:
                orders.created: {schema: %s}
          """.formatted(schema)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("security.validation.types.orders.created.schema");
      assertThat(fetches).hasValue(0);
    } finally {
      http.stop(0);
    }
  }

  @Test
  void reportsAnInvalidSchemaAtStart() throws Exception {
    Path schema = data.resolve("bad.json");
    Files.writeString(schema, "{\"type\": 12");

    assertThatThrownBy(() -> security("""
        security:
          authentication: {required: false}
          validation:
            types:
              orders.created: {schema: %s}
        """.formatted(schema)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("security.validation.types.orders.created.schema")
        .hasMessageContaining(schema.toString());
  }
}
