package dev.sluice.transport.netty;

import dev.sluice.spi.SluicePlugin;

/** Binds the {@link NettyTransport} as {@code netty}; listed in META-INF/services. */
public final class NettyPlugin extends SluicePlugin {
  @Override
  protected void configure() {
    transport(NettyTransport.NAME, NettyTransport.class);
  }
}
