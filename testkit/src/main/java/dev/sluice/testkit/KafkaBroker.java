package dev.sluice.testkit;

import dev.sluice.testkit.internal.KraftServer;
import dev.sluice.testkit.internal.Overrides;
import dev.sluice.testkit.internal.SharedService;
import dev.sluice.testkit.internal.UniqueNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside the
 * test JVM on 127.0.0.1 and a random port. Ready in a few seconds.
 *
 * <p>Either share one per JVM, started on first use and stopped when the JVM exits:
 * <pre>{@code
 * KafkaBroker kafka = KafkaBroker.shared();
 * String topic = kafka.newTopic(3);
 * producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }</pre>
 * or own one, for tests that stop it:
 * <pre>{@code
 * try (KafkaBroker broker = KafkaBroker.start()) {
 *   broker.createTopic("orders", 4);
 * }                                  // shuts down and deletes its log directory
 * }</pre>
 *
 * <p>When {@value #BOOTSTRAP_OVERRIDE} is set, {@link #shared()} uses that cluster instead of
 * starting one (topics then need {@code replication.factor} 1 to be allowed there). Start-up is
 * bounded by {@value #START_TIMEOUT_OVERRIDE} seconds (default 60) and fails with the cause.
 */
public final class KafkaBroker implements AutoCloseable {
  public static final String BOOTSTRAP_OVERRIDE = "SLUICE_TEST_KAFKA_BOOTSTRAP_SERVERS";
  public static final String START_TIMEOUT_OVERRIDE = "SLUICE_TEST_KAFKA_START_TIMEOUT";
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private static final SharedService<KafkaBroker> SHARED = new SharedService<>(() -> {
    var external = Overrides.get(BOOTSTRAP_OVERRIDE);
    if (external.isPresent()) {
      return new KafkaBroker(null, external.get(), true);
    }
    KafkaBroker broker = startOwned(true);
    Runtime.getRuntime().addShutdownHook(
        new Thread(broker::shutDown, "sluice-kafka-shutdown"));
    return broker;
  });

  private final KraftServer server;
  private final String bootstrapServers;
  private final boolean shared;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KafkaBroker(KraftServer server, String bootstrapServers, boolean shared) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.shared = shared;
  }

  /**
   * The JVM-wide broker, started on the first call (or {@value #BOOTSTRAP_OVERRIDE}'s cluster).
   * Its {@link #close()} does nothing; a shutdown hook stops it.
   *
   * @throws ServiceUnavailableException when it does not start in time, with the cause
   */
  public static KafkaBroker shared() {
    return SHARED.get();
  }

  /**
   * Starts a new broker that the caller owns and must {@link #close()}.
   *
   * @throws ServiceUnavailableException when it does not start in time, with the cause
   */
  public static KafkaBroker start() {
    return startOwned(false);
  }

  private static KafkaBroker startOwned(boolean shared) {
    Duration timeout = Duration.ofSeconds(
        Long.parseLong(Overrides.getOrDefault(START_TIMEOUT_OVERRIDE, "60")));
    long began = System.nanoTime();
    try {
      KraftServer server = KraftServer.start(timeout);
      return new KafkaBroker(server, server.bootstrapServers(), shared);
    } catch (RuntimeException e) {
      throw new ServiceUnavailableException("in-process Kafka broker did not start within "
          + timeout.toSeconds() + "s (gave up after "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + "ms; raise "
          + START_TIMEOUT_OVERRIDE + " on a slow machine): " + e.getMessage(), e);
    }
  }

  /** {@code 127.0.0.1:<port>}, for the {@code bootstrap.servers} client setting. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The minimum client configuration: {@code bootstrap.servers}. */
  public Map<String, Object> clientConfig() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /**
   * Creates a topic with one replica and waits until it exists.
   *
   * @throws IllegalStateException if it exists already or cannot be created
   */
  public void createTopic(String name, int partitions) {
    requireOpen();
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      String reason = e.getCause() instanceof TopicExistsException ? "it exists already"
          : String.valueOf(e.getCause());
      throw new IllegalStateException("could not create topic '" + name + "' with " + partitions
          + " partitions on Kafka " + bootstrapServers + ": " + reason, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not create topic '" + name + "' on Kafka "
          + bootstrapServers + " within " + ADMIN_TIMEOUT.toSeconds() + "s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic '" + name + "'", e);
    }
  }

  /** Creates a topic named {@code sluice-test-<random>} and returns its name. */
  public String newTopic(int partitions) {
    String name = UniqueNames.next("sluice-test-");
    createTopic(name, partitions);
    return name;
  }

  /** True until an owned broker is closed. */
  public boolean isRunning() {
    return !closed.get();
  }

  /**
   * Stops an owned broker and deletes its log directory; only the first call does anything.
   * On the {@link #shared()} broker it does nothing.
   */
  @Override
  public void close() {
    if (!shared) {
      shutDown();
    }
  }

  private void shutDown() {
    if (closed.compareAndSet(false, true) && server != null) {
      server.close();
    }
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("Kafka broker " + bootstrapServers + " is closed");
    }
  }

  @Override
  public String toString() {
    return "Kafka " + bootstrapServers + (server == null ? " (environment " + BOOTSTRAP_OVERRIDE
        + ")" : shared ? " (in-process, shared)" : " (in-process)");
  }
}
