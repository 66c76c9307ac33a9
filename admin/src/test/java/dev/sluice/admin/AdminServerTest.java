package dev.sluice.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.health.Health;
import dev.sluice.health.HealthIndicator;
import dev.sluice.memory.InMemoryTransport;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.SluicePlugin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint of a running server on loopback: health, metrics, HTTP behaviour. */
class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = """
      transport: {type: memory, memory: {address: admin-test}}
      processors:
        - name: echo
          types: [test.echo]
        - name: refuser
          types: [test.refuse]
      """;

  /** Test processors, bound like any plugin's. */
  public static final class TestPlugin extends SluicePlugin {
    @Override
    protected void configure() {
      processor("echo", (e, c) -> Result.ok(e.id(), e.data(), "text/plain"));
      processor("refuser", (e, c) -> Result.error(e.id(), "NOPE", "refused on purpose"));
    }
  }

  private final AtomicBoolean extraUp = new AtomicBoolean(true);
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private PrometheusMeterRegistry registry;
  private SluiceServer server;
  private AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    registry = AdminServer.newRegistry();
    server = SluiceServer.builder(SluiceConfig.parse(CONFIG, "admin test", Map.of()))
        .plugins(Plugins.of(new TestPlugin()))
        .metrics(registry)
        .healthIndicator(new HealthIndicator() {
          @Override
          public String name() {
            return "database";
          }

          @Override
          public Health check() {
            return extraUp.get() ? Health.up(Map.of("ping", "ok"))
                : Health.down("connection refused to 127.0.0.1:3306");
          }
        })
        .build();
    server.start();
    admin = AdminServer.builder(server)
        .config(new AdminConfig(true, "127.0.0.1", 0, false, false, "admin")).build();
    admin.start();
  }

  @AfterEach
  void stop() {
    admin.close();
    server.stop(Duration.ofSeconds(5));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(admin.uri().resolve(path))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsScrapeParsesAsPrometheusTextWithTheNamedSeries() throws Exception {
    try (EventClient client = server.newClient()) {
      for (int i = 0; i < 5; i++) {
        Result r = client.send(Event.builder().id("m-" + i).source("/test").type("test.echo")
            .data("hello", "text/plain").build(), Duration.ofSeconds(20))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(Status.OK);
      }
      client.send(Event.builder().id("r-1").source("/test").type("test.refuse").build(),
          Duration.ofSeconds(20)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    Result malformed = InMemoryTransport.sendRaw("admin-test", Map.of("id", "bad"),
        Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(malformed.status()).isEqualTo(Status.INVALID);

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText metrics = PrometheusText.parse(response.body());
    Map<String, String> echo = Map.of("processor", "echo");
    assertThat(metrics.value("sluice_processor_events_total", echo)).isEqualTo(5.0);
    assertThat(metrics.value("sluice_processor_results_total",
        Map.of("processor", "echo", "status", "OK"))).isEqualTo(5.0);
    assertThat(metrics.value("sluice_processor_results_total",
        Map.of("processor", "refuser", "status", "ERROR"))).isEqualTo(1.0);
    assertThat(metrics.types).containsEntry("sluice_processor_duration_seconds", "histogram");
    assertThat(metrics.value("sluice_processor_duration_seconds_count", echo)).isEqualTo(5.0);
    assertThat(metrics.value("sluice_processor_duration_seconds_bucket",
        Map.of("processor", "echo", "le", "+Inf"))).isEqualTo(5.0);
    assertThat(metrics.value("sluice_processor_duration_seconds_sum", echo)).isPositive();
    assertThat(metrics.value("sluice_processor_duration_seconds_max", echo)).isPositive();
    assertThat(metrics.value("sluice_processor_queue_depth", echo)).isZero();
    assertThat(metrics.value("sluice_processor_in_flight", echo)).isZero();
    assertThat(metrics.value("sluice_processor_retries_total", echo)).isZero();
    assertThat(metrics.value("sluice_processor_dead_letters_total", echo)).isZero();
    assertThat(metrics.value("resilience4j_circuitbreaker_state",
        Map.of("name", "processor:echo", "state", "closed"))).isEqualTo(1.0);
    assertThat(metrics.value("resilience4j_circuitbreaker_state",
        Map.of("name", "processor:echo", "state", "open"))).isZero();
    assertThat(metrics.value("resilience4j_circuitbreaker_state",
        Map.of("name", "store", "state", "closed"))).isEqualTo(1.0);
    assertThat(metrics.value("sluice_transport_bytes_total",
        Map.of("transport", "memory", "direction", "in"))).isPositive();
    assertThat(metrics.value("sluice_transport_bytes_total",
        Map.of("transport", "memory", "direction", "out"))).isPositive();
    assertThat(metrics.value("sluice_transport_connections", Map.of("transport", "memory")))
        .isEqualTo(1.0);
    assertThat(metrics.value("sluice_transport_errors_total",
        Map.of("transport", "memory", "kind", "decode"))).isEqualTo(1.0);
    assertThat(metrics.value("jvm_threads_live_threads", Map.of())).isPositive();
    assertThat(metrics.has("jvm_memory_used_bytes")).isTrue();
    assertThat(metrics.has("jvm_gc_pause_seconds_count") || metrics.has("jvm_gc_memory_allocated_bytes_total")).isTrue();
    assertThat(metrics.value("process_uptime_seconds", Map.of())).isPositive();
  }

  @Test
  void theRegistryReadsItsWallTimeFromTheMetricsClock() {
    assertThat(registry.config().clock()).isSameAs(SluiceServer.metricsClock());
  }

  @Test
  void liveAndReadyAnswerJsonWithEveryComponent() throws Exception {
    HttpResponse<String> live = get("/health/live");
    HttpResponse<String> ready = get("/health/ready");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(live.body()).get("status").asText()).isEqualTo("UP");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(ready.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.get("components").fieldNames()).toIterable()
        .containsExactly("source", "store", "breakers", "database");
    assertThat(body.at("/components/source/details/source").asText())
        .isEqualTo("memory://admin-test");
    assertThat(body.at("/components/breakers/details/states/processor:echo").asText())
        .isEqualTo("closed");
  }

  @Test
  void readyIs503WithTheFailingComponentWhileLiveStaysUp() throws Exception {
    extraUp.set(false);

    HttpResponse<String> ready = get("/health/ready");

    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("status").asText()).isEqualTo("DOWN");
    assertThat(body.at("/components/database/status").asText()).isEqualTo("DOWN");
    assertThat(body.at("/components/database/details/error").asText())
        .isEqualTo("connection refused to 127.0.0.1:3306");
    assertThat(body.at("/components/store/status").asText()).isEqualTo("UP");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void liveIs503OnceTheServerStopped() throws Exception {
    server.stop(Duration.ofSeconds(5));

    assertThat(get("/health/live").statusCode()).isEqualTo(503);
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
  }

  @Test
  void unknownPathsAre404AndOtherMethodsAre405() throws Exception {
    HttpResponse<String> missing = get("/nothing");
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(admin.uri().resolve("/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).get("error").asText())
        .contains("no such endpoint: /nothing");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void refusesToBindOffLoopbackWithoutTlsMaterial() {
    AdminServer open = AdminServer.builder(server)
        .config(new AdminConfig(true, "0.0.0.0", 0, false, false, "admin")).build();

    assertThatThrownBy(open::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("the admin endpoint may bind admin.host '0.0.0.0' (not loopback) only with"
            + " HTTPS, and no TLS material was given; configure the server's TLS"
            + " (security.tls) or bind admin.host: 127.0.0.1");
  }

  @Test
  void refusesAServerWhoseRegistryIsNotPrometheus() throws Exception {
    SluiceServer plain = SluiceServer.builder(SluiceConfig.parse(
            "transport: {type: memory, memory: {address: admin-plain}}", "t", Map.of()))
        .plugins(Plugins.of(new TestPlugin())).build();

    assertThatThrownBy(() -> AdminServer.builder(plain).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("build the server with .metrics(AdminServer.newRegistry())");
  }

  @Test
  void bindsTheAdminSectionWithLinesInProblems() {
    SluiceConfig config = SluiceConfig.parse("""
        admin:
          port: 99999
          hots: 0.0.0.0
        """, "conf/sluice.yaml", Map.of());

    assertThatThrownBy(() -> AdminConfig.from(config.admin()))
        .hasMessageContaining("line 3: admin.hots: unknown key; valid keys: enabled, host, port,")
        .hasMessageContaining("line 2: admin.port: expected from 0 to 65535, got 99999");
    assertThat(AdminConfig.from(SluiceConfig.defaults().admin())).isEqualTo(AdminConfig.DEFAULT);
  }

}
