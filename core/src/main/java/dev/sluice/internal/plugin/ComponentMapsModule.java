package dev.sluice.internal.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventSourceFactory;
import dev.sluice.spi.Transport;

/**
 * Declares the three maps a plugin may contribute to, so each exists (empty) in a plugin's
 * injector even when the plugin binds nothing of that kind.
 */
final class ComponentMapsModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder.newMapBinder(binder(), String.class, EventProcessor.class);
    MapBinder.newMapBinder(binder(), String.class, Transport.class);
    MapBinder.newMapBinder(binder(), String.class, EventSourceFactory.class);
  }
}
