package dev.sluice.transport.netty.internal;

import dev.sluice.event.Status;

/**
 * One place in the client's pool: the connection in use, or none while the server is
 * unreachable. After a failed connect, requests fail at once with UNAVAILABLE until the backoff
 * has passed (doubling per failure up to the maximum); then the next request connects again.
 */
final class ConnectionSlot {
  private final NettyEventClient client;
  private volatile ClientConnection current;
  private int failures;
  private long retryAtNanos;
  private String lastFailure;

  ConnectionSlot(NettyEventClient client) {
    this.client = client;
  }

  void submit(PendingRequest p) {
    ClientConnection c = current;
    if (c == null || !c.acceptsRequests()) {
      synchronized (this) {
        c = current;
        if (c == null || !c.acceptsRequests()) {
          long now = System.nanoTime();
          if (failures > 0 && now - retryAtNanos < 0) {
            p.fail(Status.UNAVAILABLE, "UNAVAILABLE", "cannot reach " + client.address() + ": "
                + lastFailure + " (" + failures + " failed attempts; next in "
                + Math.max(1, (retryAtNanos - now) / 1_000_000) + "ms)");
            return;
          }
          c = client.connect(this);
          current = c;
        }
      }
    }
    c.enqueue(p);
  }

  long heartbeatMillis() {
    return client.settings().heartbeatInterval().toMillis();
  }

  synchronized void ready(ClientConnection c) {
    failures = 0;
  }

  synchronized void failed(ClientConnection c, String why) {
    if (current == c) {
      current = null;
      failures++;
      lastFailure = why;
      long initial = client.settings().reconnectBackoff().toNanos();
      long max = client.settings().reconnectBackoffMax().toNanos();
      long backoff = Math.min(max, initial << Math.min(20, failures - 1));
      retryAtNanos = System.nanoTime() + backoff;
    }
  }

  synchronized void retired(ClientConnection c) {
    if (current == c) {
      current = null;
    }
  }

  synchronized void close() {
    ClientConnection c = current;
    current = null;
    if (c != null) {
      c.close();
    }
  }
}
