package dev.sluice.internal.memory;

import dev.sluice.event.Result;
import dev.sluice.event.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The JVM-wide directory of in-memory servers, by address. */
public final class InMemoryBroker {
  private static final Map<String, InMemorySource> SERVERS = new ConcurrentHashMap<>();

  private InMemoryBroker() {
  }

  static void bind(String address, InMemorySource source) {
    InMemorySource previous = SERVERS.putIfAbsent(address, source);
    if (previous != null && previous != source) {
      throw new IllegalStateException("in-memory address '" + address + "' already has a server;"
          + " give this one another transport.memory.address");
    }
  }

  static void unbind(String address, InMemorySource source) {
    SERVERS.remove(address, source);
  }

  /** Sends a wire message and applies the client-side deadline. */
  public static CompletionStage<Result> send(String address, Map<String, Object> message,
      Duration timeout) {
    String id = message.get("id") instanceof String ? (String) message.get("id") : "";
    InMemorySource server = SERVERS.get(address);
    if (server == null) {
      return CompletableFuture.completedFuture(Result.failure(id, Status.UNAVAILABLE,
          "NOT_CONNECTED", "no in-memory server at address '" + address
              + "'; start a server with transport.type: memory and the same address"));
    }
    return server.receive(message, timeout)
        .completeOnTimeout(Result.failure(id, Status.TIMEOUT, "CLIENT_TIMEOUT",
            "no result within " + timeout.toMillis() + "ms"), timeout.toNanos(),
            TimeUnit.NANOSECONDS);
  }
}
