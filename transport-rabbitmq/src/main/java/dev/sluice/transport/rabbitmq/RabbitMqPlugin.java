package dev.sluice.transport.rabbitmq;

import dev.sluice.spi.SluicePlugin;

/** Binds the {@code rabbitmq} transport; listed in {@code META-INF/services}. */
public final class RabbitMqPlugin extends SluicePlugin {
  @Override
  protected void configure() {
    transport(RabbitMqTransport.NAME, RabbitMqTransport.class);
  }
}
