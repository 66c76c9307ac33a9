package dev.sluice.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of a database, for outage tests: {@link #cut()} closes every
 * connection through it and refuses new ones, as a stopped server would; {@link #restore()}
 * accepts connections again on the same port. Two threads per connection copy the bytes.
 */
final class CuttableProxy implements AutoCloseable {
  private final InetSocketAddress upstream;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final int port;
  private volatile ServerSocket listener;

  CuttableProxy(String upstreamHost, int upstreamPort) throws IOException {
    this.upstream = new InetSocketAddress(upstreamHost, upstreamPort);
    this.listener = listen(0);
    this.port = listener.getLocalPort();
    acceptOn(listener);
  }

  /** The loopback port to connect to instead of the database's. */
  int port() {
    return port;
  }

  /** Closes every connection and stops listening: connecting is refused until restored. */
  synchronized void cut() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  /** Listens again on the same port. */
  synchronized void restore() throws IOException {
    if (!listener.isClosed()) {
      return;
    }
    listener = listen(port);
    acceptOn(listener);
  }

  @Override
  public synchronized void close() throws IOException {
    cut();
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    return s;
  }

  private void acceptOn(ServerSocket server) {
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket db = new Socket();
          try {
            db.connect(upstream, 5_000);
          } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(db);
            continue;
          }
          if (!track(server, client, db)) {
            continue;
          }
          pump(client, db);
          pump(db, client);
        } catch (IOException closed) {
          // cut(): the listener was closed
        }
      }
    }, "proxy-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  /** Registers the pair unless the proxy was cut meanwhile (then closes it). */
  private synchronized boolean track(ServerSocket server, Socket client, Socket db) {
    if (server.isClosed()) {
      closeQuietly(client);
      closeQuietly(db);
      return false;
    }
    sockets.add(client);
    sockets.add(db);
    return true;
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side closed, or cut()
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        sockets.remove(from);
        sockets.remove(to);
      }
    }, "proxy-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
