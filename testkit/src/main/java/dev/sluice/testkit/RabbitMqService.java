package dev.sluice.testkit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.sluice.testkit.internal.Docker;
import dev.sluice.testkit.internal.Overrides;
import dev.sluice.testkit.internal.SharedService;
import dev.sluice.testkit.internal.UniqueNames;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.TimeoutException;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * A RabbitMQ broker for tests, shared by every test in the JVM and found on first use:
 * <ol>
 *   <li>{@value #URI_OVERRIDE}, e.g. {@code amqp://user:secret@mq.example:5672/%2F}, if set;</li>
 *   <li>else a {@code rabbitmq:4.1-alpine} container, if Testcontainers finds a Docker
 *       engine;</li>
 *   <li>else the local broker at {@value #DEFAULT_URI}, verified by connecting;</li>
 *   <li>else the test fails with {@link ServiceUnavailableException} (it is never skipped).</li>
 * </ol>
 *
 * <pre>{@code
 * RabbitMqService rabbit = RabbitMqService.get();
 * try (TestQueue queue = rabbit.declareQueue();
 *      Connection connection = rabbit.newConnectionFactory().newConnection()) {
 *   ...publish to queue.name()...
 * }
 * }</pre>
 */
public final class RabbitMqService {
  public static final String URI_OVERRIDE = "SLUICE_TEST_RABBITMQ_URI";
  public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672/%2F";
  static final String IMAGE = "rabbitmq:4.1-alpine";
  static final String HOW_TO_START = "rabbitmq-server -detached";

  private static final SharedService<RabbitMqService> SHARED =
      new SharedService<>(RabbitMqService::resolve);

  private final String uri;
  private final String origin;
  private final ConnectionFactory template;

  private RabbitMqService(String uri, String origin) {
    this.uri = uri;
    this.origin = origin;
    this.template = factoryFor(uri);
  }

  /**
   * The shared broker, found (or started) on the first call.
   *
   * @throws ServiceUnavailableException when no broker can be reached, with how to start one
   */
  public static RabbitMqService get() {
    return SHARED.get();
  }

  /** The AMQP URI, credentials included: {@code amqp://user:password@host:port/vhost}. */
  public String uri() {
    return uri;
  }

  public String host() {
    return template.getHost();
  }

  public int port() {
    return template.getPort();
  }

  public String username() {
    return template.getUsername();
  }

  public String password() {
    return template.getPassword();
  }

  public String virtualHost() {
    return template.getVirtualHost();
  }

  /** How the broker was found, e.g. "local service" or "environment SLUICE_TEST_RABBITMQ_URI". */
  public String origin() {
    return origin;
  }

  /** A new factory configured for this broker; the caller owns the connections it makes. */
  public ConnectionFactory newConnectionFactory() {
    return factoryFor(uri);
  }

  /** A queue name no other test uses: {@code sluice-test-<random>}. Nothing is declared. */
  public String newQueueName() {
    return UniqueNames.next("sluice-test-");
  }

  /**
   * Declares a new durable, non-exclusive queue with a unique name; closing it deletes it.
   */
  public TestQueue declareQueue() {
    String name = newQueueName();
    try (Connection connection = template.newConnection("sluice-testkit");
        Channel channel = connection.createChannel()) {
      channel.queueDeclare(name, true, false, false, null);
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("could not declare test queue " + name + " on "
          + this + ": " + e.getMessage(), e);
    }
    return new TestQueue(name, template);
  }

  @Override
  public String toString() {
    return "RabbitMQ amqp://" + host() + ":" + port() + "/" + virtualHost() + " (" + origin + ")";
  }

  private static RabbitMqService resolve() {
    var override = Overrides.get(URI_OVERRIDE);
    if (override.isPresent()) {
      RabbitMqService service = new RabbitMqService(override.get(), "environment " + URI_OVERRIDE);
      try {
        service.verify();
      } catch (IOException | TimeoutException e) {
        throw new ServiceUnavailableException(service + " (from " + URI_OVERRIDE
            + ") refused a connection: " + e + ". Fix or unset " + URI_OVERRIDE + ".", e);
      }
      return service;
    }
    if (Docker.available()) {
      try {
        return startContainer();
      } catch (RuntimeException e) {
        throw new ServiceUnavailableException("Docker is available but the RabbitMQ container"
            + " did not start: " + e.getMessage() + ". Set " + Docker.DISABLE_OVERRIDE
            + "=false to use the local service instead.", e);
      }
    }
    RabbitMqService local = new RabbitMqService(DEFAULT_URI, "local service");
    try {
      local.verify();
      return local;
    } catch (IOException | TimeoutException e) {
      throw new ServiceUnavailableException("RabbitMQ is needed by this test and was not found: "
          + URI_OVERRIDE + " is not set, there is no Docker engine for Testcontainers, and "
          + "amqp://127.0.0.1:5672 as 'guest' failed: " + e + ". Start the local broker with `"
          + HOW_TO_START + "` (then `rabbitmqctl await_startup`), or set " + URI_OVERRIDE + ".",
          e);
    }
  }

  @SuppressWarnings("resource") // lives until the JVM exits; Testcontainers reaps it
  private static RabbitMqService startContainer() {
    RabbitMQContainer container = new RabbitMQContainer(IMAGE);
    container.start();
    String uri = "amqp://" + container.getAdminUsername() + ":" + container.getAdminPassword()
        + "@" + container.getHost() + ":" + container.getAmqpPort() + "/%2F";
    return new RabbitMqService(uri, "container " + IMAGE);
  }

  private void verify() throws IOException, TimeoutException {
    try (Connection connection = template.newConnection("sluice-testkit-probe")) {
      if (!connection.isOpen()) {
        throw new IOException("connection closed during the handshake");
      }
    }
  }

  private static ConnectionFactory factoryFor(String uri) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(new URI(uri));
    } catch (URISyntaxException | java.security.GeneralSecurityException e) {
      throw new ServiceUnavailableException(URI_OVERRIDE + " is not a valid AMQP URI "
          + "(amqp://user:password@host:port/vhost): " + e.getMessage(), e);
    }
    factory.setConnectionTimeout(3_000);
    factory.setHandshakeTimeout(5_000);
    factory.setAutomaticRecoveryEnabled(false);
    return factory;
  }
}
