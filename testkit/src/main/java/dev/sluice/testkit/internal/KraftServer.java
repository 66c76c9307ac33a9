package dev.sluice.testkit.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One Kafka process in combined mode (broker and controller, node 1), in this JVM, listening
 * only on 127.0.0.1, with its logs in a temporary directory deleted on {@link #close()}.
 * Formatted the way {@code kafka-storage format} does, with a static one-voter quorum.
 */
public final class KraftServer implements AutoCloseable {
  private static final String BROKER_LISTENER = "PLAINTEXT";
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final int PORT_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final Path directory;
  private final String bootstrapServers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KraftServer(KafkaRaftServer server, Path directory, String bootstrapServers) {
    this.server = server;
    this.directory = directory;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats and starts a broker, and returns once it answers an admin request.
   *
   * @throws IllegalStateException naming the log directory and the cause, when it is not ready
   *     within {@code timeout}
   */
  public static KraftServer start(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    IllegalStateException last = null;
    // Free ports are found by binding port 0 and letting go: another process may take one in
    // between, so a bind failure is retried with new ports.
    for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      try {
        return startOnce(deadline, timeout);
      } catch (PortTakenException e) {
        last = new IllegalStateException(e.getMessage(), e.getCause());
      }
    }
    throw last;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Shuts the broker down and deletes its log directory; only the first call does anything. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      deleteRecursively(directory);
    }
  }

  private static KraftServer startOnce(long deadline, Duration timeout) {
    Path directory;
    try {
      directory = Files.createTempDirectory("sluice-kafka-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a log directory for the Kafka broker: "
          + e.getMessage(), e);
    }
    Path logs = directory.resolve("logs");
    int brokerPort = freePort();
    int controllerPort = freePort();
    String bootstrap = "127.0.0.1:" + brokerPort;
    KafkaRaftServer server = null;
    try {
      Properties properties = properties(logs, brokerPort, controllerPort);
      KafkaConfig config = new KafkaConfig(properties, false);
      format(logs);
      server = new KafkaRaftServer(config, Time.SYSTEM);
      startWithin(server, deadline);
      awaitReady(bootstrap, deadline);
      return new KraftServer(server, directory, bootstrap);
    } catch (RuntimeException | Error e) {
      stopQuietly(server);
      deleteRecursively(directory);
      if (causedByBind(e)) {
        throw new PortTakenException("Kafka broker could not bind 127.0.0.1:" + brokerPort
            + " or :" + controllerPort, e);
      }
      if (e instanceof IllegalStateException known) {
        throw known;
      }
      throw new IllegalStateException("Kafka broker (KRaft, 127.0.0.1:" + brokerPort
          + ") failed to start: " + e, e);
    }
  }

  private static Properties properties(Path logs, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
        Map.entry("listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort + ","
            + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort),
        Map.entry("advertised.listeners", BROKER_LISTENER + "://127.0.0.1:" + brokerPort),
        Map.entry("controller.listener.names", CONTROLLER_LISTENER),
        Map.entry("inter.broker.listener.name", BROKER_LISTENER),
        Map.entry("listener.security.protocol.map",
            BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
        Map.entry("log.dirs", logs.toString()),
        // One node: every internal topic has one replica, and few partitions so that the
        // first consumer group or transaction does not wait for 50 partitions to be created.
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "1"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("share.coordinator.state.topic.num.partitions", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("num.partitions", "1"),
        // Two shared cores: keep the thread count down.
        Map.entry("num.network.threads", "1"),
        Map.entry("num.io.threads", "2"),
        Map.entry("background.threads", "2"),
        Map.entry("num.recovery.threads.per.data.dir", "1"),
        Map.entry("num.replica.fetchers", "1")));
    return p;
  }

  private static void format(Path logs) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(logs.toString()))
          .setMetadataLogDirectory(logs.toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("could not format Kafka log directory " + logs + ": "
          + e.getMessage(), e);
    }
  }

  /** {@code startup()} can wait indefinitely for a quorum; bound it. */
  private static void startWithin(KafkaRaftServer server, long deadline) {
    var started = new java.util.concurrent.CompletableFuture<Void>();
    Thread starter = new Thread(() -> {
      try {
        server.startup();
        started.complete(null);
      } catch (Throwable t) {
        started.completeExceptionally(t);
      }
    }, "sluice-kafka-startup");
    starter.setDaemon(true);
    starter.start();
    try {
      started.get(remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka broker did not finish starting up in time; see "
          + "the kafka.* log output for why", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the Kafka broker started", e);
    }
  }

  private static void awaitReady(String bootstrap, long deadline) {
    Map<String, Object> config = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          int nodes = admin.describeCluster().nodes()
              .get(Math.min(remaining(deadline), TimeUnit.SECONDS.toNanos(5)),
                  TimeUnit.NANOSECONDS)
              .size();
          if (nodes == 1) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          if (remaining(deadline) <= 0) {
            throw new IllegalStateException("Kafka broker at " + bootstrap + " started but did "
                + "not answer an admin request in time: " + e, e);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for Kafka at " + bootstrap,
              e);
        }
        if (remaining(deadline) <= 0) {
          throw new IllegalStateException("Kafka broker at " + bootstrap
              + " did not report itself in the cluster in time");
        }
        // Polling a broker that is still electing itself; not a test's wall clock.
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port on 127.0.0.1: " + e.getMessage(),
          e);
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  private static void stopQuietly(KafkaRaftServer server) {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      // already failing; the start-up error is the one to report
    }
  }

  static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not delete Kafka log directory " + directory + ": "
          + e.getMessage(), e);
    }
  }

  private static final class PortTakenException extends RuntimeException {
    PortTakenException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
