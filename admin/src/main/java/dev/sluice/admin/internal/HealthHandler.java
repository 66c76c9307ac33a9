package dev.sluice.admin.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sluice.engine.SluiceServer;
import dev.sluice.health.Health;
import dev.sluice.health.HealthReport;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * {@code /health/live} and {@code /health/ready}: the report as JSON, 200 when up and 503 when
 * down, never cached.
 *
 * <pre>{@code
 * {"status": "DOWN", "components": {
 *   "source":   {"status": "UP", "details": {"source": "memory://default"}},
 *   "store":    {"status": "DOWN", "details": {"breaker": "open", "error": "..."}},
 *   "breakers": {"status": "UP", "details": {"states": {"processor:orders": "closed"}}}}}
 * }</pre>
 */
public final class HealthHandler implements HttpHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SluiceServer server;

  public HealthHandler(SluiceServer server) {
    this.server = server;
  }

  /** Answers 404 for every path, as JSON. */
  public static HttpHandler notFound() {
    return exchange -> {
      ObjectNode body = JSON.createObjectNode();
      body.put("error", "no such endpoint: " + exchange.getRequestURI().getPath()
          + "; try /health/live, /health/ready or /metrics");
      respond(exchange, 404, body);
    };
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!Http.allowGet(exchange)) {
      return;
    }
    String path = exchange.getRequestURI().getPath();
    HealthReport report;
    if (path.equals("/health/live")) {
      report = server.liveness();
    } else if (path.equals("/health/ready")) {
      report = server.readiness();
    } else {
      notFound().handle(exchange);
      return;
    }
    respond(exchange, report.isUp() ? 200 : 503, json(report));
  }

  static ObjectNode json(HealthReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", report.status());
    ObjectNode components = root.putObject("components");
    for (Map.Entry<String, Health> e : report.components().entrySet()) {
      ObjectNode c = components.putObject(e.getKey());
      c.put("status", e.getValue().status());
      if (!e.getValue().details().isEmpty()) {
        c.set("details", JSON.valueToTree(e.getValue().details()));
      }
    }
    return root;
  }

  private static void respond(HttpExchange exchange, int status, ObjectNode body)
      throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    Http.noCache(exchange);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }
}
