package dev.sluice.testkit;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A queue declared for one test by {@link RabbitMqService#declareQueue()}; closing deletes it. */
public final class TestQueue implements AutoCloseable {
  private final String name;
  private final ConnectionFactory factory;
  private final AtomicBoolean closed = new AtomicBoolean();

  TestQueue(String name, ConnectionFactory factory) {
    this.name = name;
    this.factory = factory;
  }

  /** The queue's name, {@code sluice-test-<random>}. */
  public String name() {
    return name;
  }

  /** Deletes the queue, with any messages left in it; only the first call does anything. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try (Connection connection = factory.newConnection("sluice-testkit");
        Channel channel = connection.createChannel()) {
      channel.queueDelete(name);
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("could not delete test queue " + name + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
