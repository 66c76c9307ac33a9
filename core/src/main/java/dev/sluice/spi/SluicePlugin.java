package dev.sluice.spi;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;

/**
 * A plugin's entry point: a Guice module that binds processors, transports and sources by name.
 * It is found with {@link java.util.ServiceLoader}, so the jar lists the class in
 * {@code META-INF/services/dev.sluice.spi.SluicePlugin}.
 *
 * <pre>{@code
 * public final class EchoPlugin extends SluicePlugin {
 *   @Override
 *   protected void configure() {
 *     processor("echo", EchoProcessor.class);
 *   }
 * }
 * }</pre>
 *
 * <p>Each bound name must be unique across all loaded plugins; a duplicate fails start-up with a
 * message naming both jars. Bindings are unscoped, so each configured processor gets its own
 * instance. Like every Guice module, {@code configure()} must be fast and free of side effects: no
 * I/O, no threads.
 */
public abstract class SluicePlugin extends AbstractModule {

  /** Binds a processor class, constructed by Guice (constructor injection allowed). */
  protected final void processor(String name, Class<? extends EventProcessor> type) {
    processors().addBinding(name).to(type);
  }

  /** Binds a processor instance, shared by every configuration that uses it. */
  protected final void processor(String name, EventProcessor instance) {
    processors().addBinding(name).toInstance(instance);
  }

  protected final void transport(String name, Class<? extends Transport> type) {
    MapBinder.newMapBinder(binder(), String.class, Transport.class).addBinding(name).to(type);
  }

  protected final void source(String name, Class<? extends EventSourceFactory> type) {
    MapBinder.newMapBinder(binder(), String.class, EventSourceFactory.class)
        .addBinding(name).to(type);
  }

  private MapBinder<String, EventProcessor> processors() {
    return MapBinder.newMapBinder(binder(), String.class, EventProcessor.class);
  }
}
