package dev.sluice.transport.kafka;

import dev.sluice.spi.SluicePlugin;

/** Binds the {@link KafkaTransport} as {@code kafka}; found through {@code META-INF/services}. */
public final class KafkaTransportPlugin extends SluicePlugin {
  @Override
  protected void configure() {
    transport(KafkaTransport.NAME, KafkaTransport.class);
  }
}
