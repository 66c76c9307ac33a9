package dev.sluice.admin.internal;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/** What every admin response shares. */
final class Http {
  private Http() {
  }

  /** True for GET and HEAD; otherwise answers 405 and returns false. */
  static boolean allowGet(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    exchange.sendResponseHeaders(405, -1);
    exchange.close();
    return false;
  }

  static void noCache(HttpExchange exchange) {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
  }
}
