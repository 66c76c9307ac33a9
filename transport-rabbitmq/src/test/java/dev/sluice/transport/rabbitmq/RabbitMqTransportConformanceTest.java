package dev.sluice.transport.rabbitmq;

import dev.sluice.testkit.TransportConformanceTest;
import dev.sluice.testkit.TransportFixture;

/** The RabbitMQ transport keeps the contract of every transport, against the real broker. */
class RabbitMqTransportConformanceTest extends TransportConformanceTest {
  @Override
  protected TransportFixture fixture() {
    return new RabbitFixture();
  }
}
