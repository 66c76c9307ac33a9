package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.memory.InMemoryTransport;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.AuthenticationException;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.Principal;
import dev.sluice.spi.SluicePlugin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile client against a real server (engine, dispatcher, in-memory transport) guarded by
 * the security module, while a well-behaved client keeps sending: every hostile event gets the
 * right status and never reaches a processor, and the well-behaved client is served throughout.
 * Hostile logins run against the same server's authenticator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdversarialServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Set<String> PROCESSED = ConcurrentHashMap.newKeySet();

  /** Echoes the data back, and remembers every event id it saw. */
  public static final class EchoPlugin extends SluicePlugin {
    @Override
    protected void configure() {
      processor("echo", (e, c) -> {
        PROCESSED.add(e.id());
        return Result.ok(e.id(), e.data(), e.dataContentType().orElse("application/octet-stream"));
      });
    }
  }

  private Path data;

  private final MutableClock clock = new MutableClock();
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private Security security;
  private SluiceServer server;
  private EventClient hostile;
  private EventClient wellBehaved;
  private Thread wellBehavedLoop;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger served = new AtomicInteger();
  private final AtomicReference<String> wellBehavedProblem = new AtomicReference<>();

  @BeforeAll
  void start(@TempDir Path dataDirectory) throws Exception {
    data = dataDirectory;
    Path schema = data.resolve("order.schema.json");
    Files.copy(Path.of("src/test/resources/schemas/order.schema.json"), schema);
    SluiceConfig config = SluiceConfig.parse("""
        transport:
          type: memory
          memory: {address: adversarial}
        processors:
          - name: echo
            types: ["*"]
            concurrency: 4
        security:
          authentication:
            hashing: {memory-kib: 64, iterations: 1}
            lockout: {slowdown-after: 3, slowdown: 1s, attempts: 5, duration: 10m}
          roles:
            admin: ["*"]
            anonymous: [ping, "orders.*", notes]
            producer: ["orders.*"]
          validation:
            max-attribute-bytes: 256
            json-max-depth: 16
            types:
              orders.created: {schema: %s}
        """.formatted(schema), "adversarial.yaml", Map.of());
    security = Security.builder(config.security(), data).metrics(metrics).clock(clock).build();
    server = SluiceServer.builder(config)
        .plugins(Plugins.of(new EchoPlugin()))
        .metrics(metrics)
        .authenticator(security.authenticator())
        .guard(security.guard())
        .build();
    server.start();
    hostile = server.newClient();
    wellBehaved = server.newClient();
    wellBehavedLoop = new Thread(this::serveWellBehavedClient, "well-behaved-client");
    wellBehavedLoop.start();
  }

  private void serveWellBehavedClient() {
    int n = 0;
    while (running.get()) {
      String id = "good-" + n++;
      String payload = "{\"n\":" + n + "}";
      try {
        Result r = wellBehaved.send(Event.builder().id(id).source("/good").type("ping")
            .data(payload, "application/json").build(), TIMEOUT).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        if (!r.isOk() || !r.dataAsString().equals(payload)) {
          wellBehavedProblem.compareAndSet(null, id + " got " + r);
        }
        served.incrementAndGet();
      } catch (Exception e) {
        wellBehavedProblem.compareAndSet(null, id + " failed: " + e);
      }
    }
  }

  @AfterAll
  void stop() throws Exception {
    running.set(false);
    wellBehavedLoop.join(TimeUnit.SECONDS.toMillis(30));
    hostile.close();
    wellBehaved.close();
    server.stop(Duration.ofSeconds(10));
    security.close();
    assertThat(wellBehavedProblem.get()).as("the well-behaved client").isNull();
    assertThat(served.get()).as("events served to the well-behaved client").isPositive();
    assertThat(PROCESSED).as("hostile events that reached a processor")
        .noneMatch(id -> id.startsWith("bad-"));
    assertThat(metrics.counter("sluice.security.refusals", "status", "INVALID", "code",
        "BAD_ENCODING").count()).isEqualTo(3.0);
    assertThat(metrics.counter("sluice.security.refusals", "status", "UNAUTHORIZED", "code",
        "NOT_ALLOWED").count()).isEqualTo(2.0);
  }

  private Result send(Event event) throws Exception {
    int before = served.get();
    Result r = hostile.send(event, TIMEOUT).toCompletableFuture().get(30, TimeUnit.SECONDS);
    // the well-behaved client keeps being served between hostile events
    await().atMost(Duration.ofSeconds(30))
        .until(() -> served.get() > before);
    return r;
  }

  private static Event.Builder bad(String name, String type) {
    return Event.builder().id("bad-" + name).source("/hostile").type(type);
  }

  private static void assertStatus(Result r, Status status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.toString()).hasValue(code);
    assertThat(r.errorMessage()).as(r.toString()).isPresent();
  }

  @Test
  void oversizedAttributesAreInvalid() throws Exception {
    assertStatus(send(bad("subject", "ping").subject("s".repeat(10_000)).build()),
        Status.INVALID, "INVALID_ATTRIBUTE");
    assertStatus(send(bad("ext", "ping").extension("huge", "x".repeat(100_000)).build()),
        Status.INVALID, "INVALID_ATTRIBUTE");
    Event.Builder many = bad("many", "ping");
    for (int i = 0; i < 100; i++) {
      many.extension("x" + i, "v");
    }
    assertStatus(send(many.build()), Status.INVALID, "INVALID_ATTRIBUTE");
    assertStatus(send(Event.builder().id("bad-" + "i".repeat(5000)).source("/h").type("ping")
        .build()), Status.INVALID, "INVALID_ATTRIBUTE");
  }

  @Test
  void badUtf8AndNulBytesAreInvalid() throws Exception {
    byte[] overlong = {(byte) 0xC0, (byte) 0xAF};
    byte[] truncated = "ok".getBytes(StandardCharsets.UTF_8);
    truncated = Arrays.copyOf(truncated, 3);
    truncated[2] = (byte) 0xE2;

    assertStatus(send(bad("overlong", "ping").data(overlong, "text/plain").build()),
        Status.INVALID, "BAD_ENCODING");
    assertStatus(send(bad("truncated", "ping").data(truncated, "application/json").build()),
        Status.INVALID, "BAD_ENCODING");
    assertStatus(send(bad("nul-text", "ping").data("a\0b", "text/plain").build()),
        Status.INVALID, "BAD_ENCODING");
    assertStatus(send(bad("nul-json", "ping").data("{\"a\":\"\0\"}", "application/json")
        .build()), Status.INVALID, "MALFORMED_JSON");
    assertStatus(send(bad("nul-source", "ping").source("/a\0").build()), Status.INVALID,
        "INVALID_ATTRIBUTE");
    assertStatus(send(bad("nul-ext", "ping").extension("trace", "t\0").build()),
        Status.INVALID, "INVALID_ATTRIBUTE");
  }

  @Test
  void deeplyNestedJsonIsInvalid() throws Exception {
    String deep = "[".repeat(200_000) + "]".repeat(200_000);
    String deepObject = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);

    assertStatus(send(bad("deep-array", "ping").data(deep, "application/json").build()),
        Status.INVALID, "JSON_TOO_DEEP");
    assertStatus(send(bad("deep-object", "orders.created").data(deepObject,
        "application/json").build()), Status.INVALID, "JSON_TOO_DEEP");
  }

  @Test
  void schemaViolationsAreInvalidAndNameTheField() throws Exception {
    Result r = send(bad("schema", "orders.created").data(
        "{\"orderId\":\"DE-1\",\"quantity\":\"many\",\"customer\":{\"name\":\"A\"}}",
        "application/json").build());

    assertStatus(r, Status.INVALID, "SCHEMA_VIOLATION");
    assertThat(r.errorMessage().orElseThrow()).contains("/quantity");
  }

  @Test
  void malformedWireMessagesAreInvalid() throws Exception {
    Map<String, Object> message = new HashMap<>();
    message.put("id", "bad-wire");
    message.put("source", "/h");
    message.put("type", "ping");
    message.put("specversion", "0.3");
    message.put("data", "not bytes");

    Result r = InMemoryTransport.sendRaw("adversarial", message, TIMEOUT).toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(Status.INVALID);
  }

  @Test
  void sqlInjectionStringsPassAndRoundTripVerbatim() throws Exception {
    List<String> injections = List.of("' OR '1'='1", "1; DROP TABLE sluice_events;--",
        "Robert'); DROP TABLE students;--", "\" OR \"\"=\"", "admin'--", "1' UNION SELECT"
            + " password FROM sluice_users--", "%27%20OR%201=1", "\\'; SELECT pg_sleep(10);--");
    int i = 0;
    for (String sql : injections) {
      String json = "{\"note\":\"" + sql.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
      Event text = Event.builder().id("sql-" + i).source("/" + sql.replace(' ', '_'))
          .type("notes").subject(sql).extension("comment", sql).data(sql, "text/plain").build();
      Event asJson = Event.builder().id("sql-json-" + i++).source("/x").type("notes")
          .data(json, "application/json").build();

      Result r1 = send(text);
      Result r2 = send(asJson);

      assertThat(r1.status()).as(sql).isEqualTo(Status.OK);
      assertThat(r1.dataAsString()).isEqualTo(sql);
      assertThat(r2.status()).as(sql).isEqualTo(Status.OK);
      assertThat(r2.dataAsString()).isEqualTo(json);
    }
  }

  @Test
  void unauthorizedTypesAreRefusedAndNeverDispatched() throws Exception {
    assertStatus(send(bad("anonymous-billing", "billing.charge").build()), Status.UNAUTHORIZED,
        "NOT_ALLOWED");

    Delivery producer = Delivery.within("memory", TIMEOUT)
        .withPrincipal(Principal.of("alice", "producer"));
    Result r = server.sink().submit(bad("producer-ping", "ping").build(), producer)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertStatus(r, Status.UNAUTHORIZED, "NOT_ALLOWED");

    Result allowed = server.sink().submit(Event.builder().id("alice-order").source("/a")
        .type("orders.created").data("{\"orderId\":\"DE-9\",\"quantity\":3,"
            + "\"customer\":{\"name\":\"Ann\"}}", "application/json").build(), producer)
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(allowed.status()).isEqualTo(Status.OK);
    assertThat(PROCESSED).contains("alice-order");
  }

  // --- logins against the same server's authenticator

  private Principal login(String user, String password, String address) throws Exception {
    Authenticator auth = security.authenticator();
    try {
      return auth.login(user, password.toCharArray(), address).toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private String refusal(String user, String password, String address) {
    try {
      Principal p = login(user, password, address);
      throw new AssertionError("logged in as " + p);
    } catch (AuthenticationException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void wrongEmptyAndUnknownLoginsFailAlikeThenLockOutAndExpire() throws Exception {
    security.users().add("mallory-target", "target-password-1".toCharArray(), Set.of("producer"));
    String first = refusal("mallory-target", "guess", "203.0.113.5:1");
    String empty = refusal("mallory-target", "", "203.0.113.6:1");
    String unknown = refusal("no-such-user", "guess", "203.0.113.7:1");
    assertThat(List.of(first, empty, unknown)).containsOnly("wrong user name or password");

    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(30));
      answers.add(refusal("mallory-target", "guess-" + i, "203.0.113." + (10 + i) + ":1"));
    }
    assertThat(answers).containsOnly("wrong user name or password");
    assertThat(refusal("mallory-target", "target-password-1", "198.51.100.1:1"))
        .isEqualTo("too many failed logins: locked out; try again in 600s");
    assertThat(metrics.counter("sluice.security.lockouts", "scope", "user").count())
        .isEqualTo(1.0);

    clock.advance(Duration.ofMinutes(10));
    assertThat(login("mallory-target", "target-password-1", "198.51.100.1:1"))
        .isEqualTo(new Principal("mallory-target", Set.of("producer")));
  }
}
