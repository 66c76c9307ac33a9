package dev.sluice.internal.plugin;

import com.google.inject.Binding;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provider;
import com.google.inject.Stage;
import com.google.inject.multibindings.MapBinderBinding;
import com.google.inject.multibindings.MultibinderBinding;
import com.google.inject.multibindings.MultibindingsTargetVisitor;
import com.google.inject.multibindings.OptionalBinderBinding;
import com.google.inject.spi.ConstructorBinding;
import com.google.inject.spi.DefaultBindingTargetVisitor;
import com.google.inject.spi.InstanceBinding;
import com.google.inject.spi.LinkedKeyBinding;
import com.google.inject.spi.Message;
import com.google.inject.util.Types;
import dev.sluice.plugin.PluginComponent;
import dev.sluice.plugin.PluginComponent.Kind;
import dev.sluice.plugin.PluginLoadException;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventSourceFactory;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.spi.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds one plugin module's injector, alone, and reads what it binds by name. Each module gets
 * its own injector, so one plugin's bindings can neither see nor clash with another's; clashes of
 * names are the registry's to report.
 */
final class PluginModuleReader {
  /** Bounds the walk along linked bindings; real chains are one or two links long. */
  private static final int MAX_LINKS = 32;

  private PluginModuleReader() {}

  /**
   * The processors, transports and source factories {@code module} binds.
   *
   * @param origin where the module came from, as shown to operators
   * @param description "plugin jar ...", for messages
   * @throws PluginLoadException when the module's bindings are invalid
   */
  static List<LoadedComponent> read(SluicePlugin module, String origin, String description,
      ClassLoader loader) {
    String pluginClass = module.getClass().getName();
    Injector injector = ContextClassLoader.callWith(loader, () -> {
      try {
        // DEVELOPMENT: nothing is created eagerly; instances are made on request
        return Guice.createInjector(Stage.DEVELOPMENT, module, new ComponentMapsModule());
      } catch (CreationException e) {
        throw new PluginLoadException(description + ": the Guice module " + pluginClass
            + " has errors: " + messagesOf(e) + "; fix the plugin's bindings", e);
      } catch (RuntimeException | LinkageError e) {
        throw new PluginLoadException(description + ": the Guice module " + pluginClass
            + " failed: " + PluginModuleLoader.describe(e) + "; fix the plugin's configure()", e);
      }
    });
    Context context = new Context(injector, origin, description, pluginClass, loader);
    List<LoadedComponent> components = new ArrayList<>();
    components.addAll(context.read(Kind.PROCESSOR, EventProcessor.class));
    components.addAll(context.read(Kind.TRANSPORT, Transport.class));
    components.addAll(context.read(Kind.SOURCE, EventSourceFactory.class));
    return components;
  }

  private static String messagesOf(CreationException e) {
    return e.getErrorMessages().stream()
        .map(Message::getMessage)
        .collect(Collectors.joining("; "));
  }

  private record Context(Injector injector, String origin, String description,
      String pluginClass, ClassLoader loader) {

    List<LoadedComponent> read(Kind kind, Class<?> type) {
      @SuppressWarnings("unchecked")
      Map<String, Provider<?>> providers = (Map<String, Provider<?>>) injector.getInstance(
          Key.get(Types.mapOf(String.class, Types.providerOf(type))));
      Map<String, Binding<?>> entries = entryBindings(type);
      List<LoadedComponent> components = new ArrayList<>();
      providers.forEach((name, provider) -> {
        String className = implementationOf(entries.get(name))
            .orElseGet(() -> instantiatedClassName(kind, name, provider));
        components.add(new LoadedComponent(new PluginComponent(kind, name, className, origin),
            pluginClass, loader, provider));
      });
      return components;
    }

    /** The binding of each name in the {@code Map<String, type>} the map binder built. */
    private Map<String, Binding<?>> entryBindings(Class<?> type) {
      Binding<?> mapBinding = injector.getBinding(Key.get(Types.mapOf(String.class, type)));
      List<Map.Entry<?, Binding<?>>> entries = mapBinding.acceptTargetVisitor(new MapEntries());
      Map<String, Binding<?>> byName = new HashMap<>();
      if (entries != null) {
        entries.forEach(entry -> byName.put(String.valueOf(entry.getKey()), entry.getValue()));
      }
      return byName;
    }

    /** The class a binding ends at, following {@code to(...)} links, when Guice knows it. */
    private Optional<String> implementationOf(Binding<?> binding) {
      Binding<?> current = binding;
      for (int links = 0; current != null && links < MAX_LINKS; links++) {
        if (current instanceof LinkedKeyBinding<?> linked) {
          current = injector.getBinding(linked.getLinkedKey());
        } else if (current instanceof ConstructorBinding<?> constructor) {
          return Optional.of(constructor.getConstructor().getDeclaringType().getRawType()
              .getName());
        } else if (current instanceof InstanceBinding<?> instance) {
          return Optional.of(instance.getInstance().getClass().getName());
        } else {
          return Optional.empty();
        }
      }
      return Optional.empty();
    }

    /**
     * For provider bindings, where only an instance tells the class: create one. Plugin
     * components are cheap and free of side effects when constructed, by the SPI's contract.
     */
    private String instantiatedClassName(Kind kind, String name, Provider<?> provider) {
      try {
        return ContextClassLoader.callWith(loader, provider::get).getClass().getName();
      } catch (RuntimeException | LinkageError e) {
        throw new PluginLoadException(description + ": " + kind.name().toLowerCase(Locale.ROOT) + " '"
            + name + "' bound by " + pluginClass + " could not be created: "
            + PluginModuleLoader.describe(e) + "; fix its constructor or the plugin's bindings",
            e);
      }
    }
  }

  /** The entries of a map binder's binding; {@code null} for any other binding. */
  private static final class MapEntries
      extends DefaultBindingTargetVisitor<Object, List<Map.Entry<?, Binding<?>>>>
      implements MultibindingsTargetVisitor<Object, List<Map.Entry<?, Binding<?>>>> {

    @Override
    public List<Map.Entry<?, Binding<?>>> visit(MapBinderBinding<?> mapBinding) {
      return mapBinding.getEntries();
    }

    @Override
    public List<Map.Entry<?, Binding<?>>> visit(MultibinderBinding<?> multibinding) {
      return null;
    }

    @Override
    public List<Map.Entry<?, Binding<?>>> visit(OptionalBinderBinding<?> optionalBinding) {
      return null;
    }
  }
}
