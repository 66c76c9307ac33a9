package dev.sluice.examples.wordcount;

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
class WordCountPluginTest {

  @Test
  void bindsTheProcessorUnderItsName() {
    Map<String, EventProcessor> processors = Guice.createInjector(new WordCountPlugin())
        .getInstance(Key.get(new TypeLiteral<Map<String, EventProcessor>>() { }));

    assertThat(processors).containsOnlyKeys("wordcount");
    assertThat(processors.get("wordcount")).isInstanceOf(WordCountProcessor.class);
  }

  @Test
  void isListedForTheServiceLoader() {
    assertThat(ServiceLoader.load(SluicePlugin.class).stream().map(ServiceLoader.Provider::type))
        .contains(WordCountPlugin.class);
  }
}
