package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventGuard;
import dev.sluice.spi.Principal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityGuardTest {
  static final String SCHEMA = Path.of("src/test/resources/schemas/order.schema.json")
      .toAbsolutePath().toString();

  @TempDir
  Path data;

  private Security security;
  private EventGuard guard;

  @BeforeEach
  void setUp() {
    security = Security.from(SluiceConfig.parse("""
        security:
          authentication: {required: false}
          roles:
            producer: ["orders.*", ping]
            anonymous: [ping]
          validation:
            max-id-bytes: 16
            max-attribute-bytes: 32
            max-extensions: 2
            max-data-bytes: 1000
            json-max-depth: 5
            content-types: [application/json, text/plain]
            types:
              orders.created: {schema: %s, max-data-bytes: 400}
              orders.bulk: {max-data-bytes: 5000}
        """.formatted(SCHEMA), "test.yaml", Map.of()).security(), data, Optional.empty(),
        new SimpleMeterRegistry());
    guard = security.guard();
  }

  @AfterEach
  void tearDown() {
    security.close();
  }

  private static Delivery producer() {
    return Delivery.within("test", Duration.ofSeconds(5))
        .withPrincipal(Principal.of("alice", "producer"));
  }

  private static Event.Builder event(String type) {
    return Event.builder().id("e-1").source("/test").type(type);
  }

  private Optional<Result> check(Event e) {
    return guard.check(e, producer());
  }

  private static String order(String id, int quantity) {
    return "{\"orderId\":\"" + id + "\",\"quantity\":" + quantity
        + ",\"customer\":{\"name\":\"Ann\"}}";
  }

  private static void assertRefused(Optional<Result> r, Status status, String code,
      String message) {
    assertThat(r).isPresent();
    assertThat(r.get().status()).isEqualTo(status);
    assertThat(r.get().errorCode()).hasValue(code);
    assertThat(r.get().errorMessage()).hasValueSatisfying(m -> assertThat(m).contains(message));
    assertThat(r.get().eventId()).isEqualTo("e-1");
  }

  @Test
  void passesAGoodEvent() {
    assertThat(check(event("orders.created").data(order("DE-1", 2), "application/json")
        .build())).isEmpty();
    assertThat(check(event("ping").data("hello", "text/plain; charset=utf-8").build())).isEmpty();
    assertThat(check(event("orders.note").build())).isEmpty();
  }

  @Test
  void limitsEveryAttribute() {
    Optional<Result> longId = check(event("ping").id("x".repeat(17)).build());
    assertThat(longId.orElseThrow().status()).isEqualTo(Status.INVALID);
    assertThat(longId.orElseThrow().errorMessage()).hasValue("'id' is longer than the limit of"
        + " 16 bytes (security.validation.max-id-bytes)");
    assertRefused(check(event("ping").subject("é".repeat(17)).build()), Status.INVALID,
        "INVALID_ATTRIBUTE", "'subject' is longer than the limit of 32 bytes");
    assertRefused(check(event("ping").extension("trace", "t".repeat(33)).build()),
        Status.INVALID, "INVALID_ATTRIBUTE", "extension 'trace' is longer than the limit");
    assertRefused(check(event("ping").extension("a", "1").extension("b", "2")
        .extension("c", "3").build()), Status.INVALID, "INVALID_ATTRIBUTE",
        "the event has 3 extension attributes, over the limit of 2");
  }

  @Test
  void refusesControlCharactersAndBrokenUnicodeInAttributes() {
    assertRefused(check(event("ping").source("/a\u0000b").build()), Status.INVALID,
        "INVALID_ATTRIBUTE", "'source' contains the control character U+0000 at position 2");
    assertRefused(check(event("ping").subject("x\ud800y").build()), Status.INVALID,
        "INVALID_ATTRIBUTE", "'subject' is not valid Unicode (a lone surrogate at position 1)");
  }

  @Test
  void refusesMalformedTypes() {
    for (String type : new String[] {"orders..created", ".orders", "orders.", "orders created",
        "orders/created", "ördérs"}) {
      assertRefused(check(event(type).build()), Status.INVALID, "INVALID_ATTRIBUTE",
          "'type' must be dot-separated segments");
    }
  }

  @Test
  void limitsDataPerType() {
    assertRefused(check(event("ping").data("x".repeat(1001), "text/plain").build()),
        Status.INVALID, "DATA_TOO_LARGE", "the data is 1001 bytes, over the limit of 1000 bytes"
            + " for type 'ping'");
    assertThat(check(event("orders.bulk").data("x".repeat(4000), "text/plain").build()))
        .isEmpty();
    assertRefused(check(event("orders.created").data(order("DE-1", 1) + " ".repeat(400),
        "application/json").build()), Status.INVALID, "DATA_TOO_LARGE", "limit of 400 bytes");
  }

  @Test
  void allowsOnlyListedContentTypes() {
    assertRefused(check(event("ping").data("<x/>", "application/xml").build()), Status.INVALID,
        "CONTENT_TYPE_NOT_ALLOWED", "content type 'application/xml' is not allowed; use one of");
    assertThat(check(event("ping").data("{}", "application/cloudevents+json").build())).isEmpty();
    assertRefused(check(event("orders.created").data("a", "text/plain").build()),
        Status.INVALID, "CONTENT_TYPE_NOT_ALLOWED", "must carry JSON (they have a schema)");
  }

  @Test
  void requiresWellFormedUtf8Text() {
    byte[] bad = {'o', 'k', (byte) 0xC3, (byte) 0x28};
    assertRefused(check(event("ping").data(bad, "text/plain").build()), Status.INVALID,
        "BAD_ENCODING", "the data is not valid UTF-8");
    assertRefused(check(event("ping").data(bad, "application/json").build()), Status.INVALID,
        "BAD_ENCODING", "the data is not valid UTF-8");
    assertRefused(check(event("ping").data("a\u0000b", "text/plain").build()), Status.INVALID,
        "BAD_ENCODING", "NUL byte at offset 1");
  }

  @Test
  void requiresWellFormedJson() {
    for (String json : new String[] {"{\"a\":", "{\"a\":1}}", "{} {}", "{\"a\":1,\"a\":2}",
        "{'a':1}", "[1,]", "\"a\u0000b\""}) {
      assertRefused(check(event("ping").data(json, "application/json").build()),
          Status.INVALID, "MALFORMED_JSON", "the data is not well-formed JSON");
    }
    assertThat(check(event("ping").data("[1,{\"b\":[true,null]}]", "application/json")
        .build())).isEmpty();
  }

  @Test
  void limitsJsonDepth() {
    String deep = "[".repeat(6) + "]".repeat(6);
    assertThat(check(event("ping").data("[".repeat(5) + "]".repeat(5), "application/json")
        .build())).isEmpty();
    assertRefused(check(event("ping").data(deep, "application/json").build()), Status.INVALID,
        "JSON_TOO_DEEP", "the JSON data is nested deeper than 5 levels"
            + " (security.validation.json-max-depth)");
    assertRefused(check(event("orders.bulk").data("[" + "9".repeat(1500) + "]",
        "application/json").build()), Status.INVALID, "JSON_LIMIT",
        "the JSON data breaks a parser limit: Number value length");
    // a type's own limit above the global one applies to JSON too
    assertThat(check(event("orders.bulk").data("[\"" + "x".repeat(4000) + "\"]",
        "application/json").build())).isEmpty();
    String bomb = "[".repeat(100_000);
    assertRefused(check(event("orders.bulk").data(bomb.substring(0, 4999), "application/json")
        .build()), Status.INVALID, "JSON_TOO_DEEP", "json-max-depth");
  }

  @Test
  void checksTheSchemaAndNamesTheFailingField() {
    assertRefused(check(event("orders.created").data(
        "{\"orderId\":\"DE-1\",\"quantity\":0,\"customer\":{}}", "application/json").build()),
        Status.INVALID, "SCHEMA_VIOLATION", "/quantity: must have a minimum value of 1");
    Optional<Result> r = check(event("orders.created").data(
        "{\"orderId\":\"DE-1\",\"quantity\":0,\"customer\":{}}", "application/json").build());
    assertThat(r.orElseThrow().errorMessage().orElseThrow())
        .contains("/customer: required property 'name' not found");
    assertRefused(check(event("orders.created").data(order("de_1", 1), "application/json")
        .build()), Status.INVALID, "SCHEMA_VIOLATION", "/orderId: does not match");
    assertRefused(check(event("orders.created").build()), Status.INVALID, "MALFORMED_JSON",
        "must carry JSON data, and this one has none");
  }

  @Test
  void boundsCatastrophicSchemaPatterns() {
    // "^(.*a){12}$" against "aaaa...!" takes the JDK's regex ~25 s for 30 characters, and
    // doubles with each more: without a budget one event could stall a thread for hours
    String evil = "{\"orderId\":\"DE-1\",\"quantity\":1,\"customer\":{\"name\":\"A\","
        + "\"email\":\"" + "a".repeat(60) + "!\"}}";

    Optional<Result> r = check(event("orders.created").data(evil, "application/json").build());

    assertRefused(r, Status.INVALID, "SCHEMA_VIOLATION", "in bounded time");
  }

  @Test
  void passesSqlInjectionStringsUntouched() {
    String sql = "Robert'); DROP TABLE students;-- \" OR 1=1 --";
    Event e = event("orders.created").subject(sql.substring(0, 30)).data(
        "{\"orderId\":\"DE-7\",\"quantity\":1,\"customer\":{\"name\":\"" + sql.replace("\"",
            "\\\"") + "\"},\"note\":\"1' OR '1'='1\"}", "application/json").build();

    assertThat(check(e)).isEmpty();
  }

  @Test
  void refusesTypesTheCallersRolesDoNotAllow() {
    assertRefused(check(event("billing.charge").build()), Status.UNAUTHORIZED, "NOT_ALLOWED",
        "'alice' may not send events of type 'billing.charge'; ask the operator to grant one of"
            + " its roles [producer] this type under security.roles");
    // the prefix pattern needs something after the dot
    assertRefused(check(event("orders").build()), Status.UNAUTHORIZED, "NOT_ALLOWED", "orders");
    Delivery anonymous = Delivery.within("test", Duration.ofSeconds(5));
    assertThat(guard.check(event("ping").build(), anonymous)).isEmpty();
    assertRefused(guard.check(event("orders.created").data(order("DE-1", 1), "application/json")
        .build(), anonymous), Status.UNAUTHORIZED, "NOT_ALLOWED", "'anonymous' may not send");
  }

  @Test
  void checksAuthorizationBeforeParsingTheData() {
    Event unauthorizedAndMalformed = event("billing.charge").data("{not json",
        "application/json").build();

    assertThat(check(unauthorizedAndMalformed).orElseThrow().status())
        .isEqualTo(Status.UNAUTHORIZED);
  }

  @Test
  void defaultRolesLetAdminAndAnonymousSendEverything() {
    try (Security open = Security.from(SluiceConfig.parse(
        "security: {authentication: {required: false}}", "t.yaml", Map.of()).security(), data,
        Optional.empty(), new SimpleMeterRegistry())) {
      Event e = event("any.type").data("{}".getBytes(StandardCharsets.UTF_8),
          "application/json").build();
      assertThat(open.guard().check(e, Delivery.within("t", Duration.ofSeconds(1)))).isEmpty();
      assertThat(open.guard().check(e, producer().withPrincipal(Principal.of("root", "admin"))))
          .isEmpty();
      assertThat(open.guard().check(e, producer()).orElseThrow().status())
          .isEqualTo(Status.UNAUTHORIZED);
    }
  }

  @Test
  void aValueThatPassedIsCheckedAgainUnderOtherRulesAndForAnotherCaller() {
    // a connection's events carry the same attribute and principal objects; what one guard
    // found valid for them on this thread says nothing to a guard with other rules
    String source = "/sources/one";
    String type = "orders.note";
    String json = "application/json";
    Delivery asAlice = producer();
    Event first = Event.builder().id("e-1").source(source).type(type).data("{}", json).build();
    assertThat(guard.check(first, asAlice)).isEmpty();

    try (Security strict = Security.from(SluiceConfig.parse("""
        security:
          authentication: {required: false}
          roles: {producer: [ping]}
          validation: {max-source-bytes: 8, max-attribute-bytes: 10}
        """, "strict.yaml", Map.of()).security(), data, Optional.empty(),
        new SimpleMeterRegistry())) {
      assertRefused(strict.guard().check(first, asAlice), Status.INVALID, "INVALID_ATTRIBUTE",
          "'source' is longer than the limit of 8 bytes");
      Event shortSource = Event.builder().id("e-1").source("/s").type(type).data("{}", json)
          .build();
      assertRefused(strict.guard().check(shortSource, asAlice), Status.INVALID,
          "INVALID_ATTRIBUTE", "'datacontenttype' is longer than the limit of 10 bytes");
      Event noContentType = Event.builder().id("e-1").source("/s").type(type).build();
      assertRefused(strict.guard().check(noContentType, asAlice), Status.UNAUTHORIZED,
          "NOT_ALLOWED", "'alice' may not send events of type 'orders.note'");
    }

    // the first guard still refuses the same objects to another caller
    assertRefused(guard.check(first, Delivery.within("test", Duration.ofSeconds(5))),
        Status.UNAUTHORIZED, "NOT_ALLOWED", "'anonymous' may not send events of type");
  }

  @Test
  void aRefusedValueIsRefusedAgainAndAValidOneOnlyInItsOwnField() {
    // the same string objects, as a connection sends them, event after event
    String longSource = "/" + "s".repeat(5000);
    String badType = "orders..created";
    String text = "orders created";
    Delivery asAlice = producer();
    for (int i = 0; i < 2; i++) {
      assertRefused(check(Event.builder().id("e-1").source(longSource).type("ping").build()),
          Status.INVALID, "INVALID_ATTRIBUTE", "'source' is longer than the limit");
    }
    for (int i = 0; i < 2; i++) {
      assertRefused(check(event(badType).build()), Status.INVALID, "INVALID_ATTRIBUTE",
          "'type' must be dot-separated segments");
    }
    for (int i = 0; i < 2; i++) {
      assertRefused(guard.check(event("billing.charge").build(), asAlice), Status.UNAUTHORIZED,
          "NOT_ALLOWED", "'alice' may not send events of type 'billing.charge'");
    }
    // valid as a source (and as a subject), not as a type
    assertThat(check(Event.builder().id("e-1").source(text).type("ping").subject(text)
        .build())).isEmpty();
    assertRefused(check(Event.builder().id("e-1").source(text).type(text).build()),
        Status.INVALID, "INVALID_ATTRIBUTE", "'type' must be dot-separated segments");
  }
}
