package dev.sluice.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.SluicePlugin;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The two things that make a jar a plugin: its bindings, and its service file. */
class EchoPluginTest {

  @Test
  void bindsTheProcessorUnderItsName() {
    Map<String, EventProcessor> processors = Guice.createInjector(new EchoPlugin())
        .getInstance(Key.get(new TypeLiteral<Map<String, EventProcessor>>() { }));

    assertThat(processors).containsOnlyKeys("echo");
    assertThat(processors.get("echo")).isInstanceOf(EchoProcessor.class);
  }

  @Test
  void isListedForTheServiceLoader() {
    assertThat(ServiceLoader.load(SluicePlugin.class).stream().map(ServiceLoader.Provider::type))
        .contains(EchoPlugin.class);
  }
}
