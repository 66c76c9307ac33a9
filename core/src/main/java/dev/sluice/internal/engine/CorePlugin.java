package dev.sluice.internal.engine;

import dev.sluice.memory.InMemoryTransport;
import dev.sluice.spi.SluicePlugin;

/** What the engine itself binds: the in-memory transport. */
public final class CorePlugin extends SluicePlugin {
  @Override
  protected void configure() {
    transport(InMemoryTransport.NAME, InMemoryTransport.class);
  }
}
