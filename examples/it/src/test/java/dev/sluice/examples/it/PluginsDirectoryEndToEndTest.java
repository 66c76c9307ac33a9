package dev.sluice.examples.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.plugin.PluginComponent;
import dev.sluice.plugin.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestServer;

/**
 * The four example jars as the distribution ships them: one jar each in a plugins directory,
 * found by the server through {@code server.plugins-directory}, each in its own class loader.
 * Maven copies the jars to {@code target/plugins} before the tests; they are not on the test
 * class path.
 */
class PluginsDirectoryEndToEndTest {
  private static final String CONFIG = """
      server:
        plugins-directory: plugins
      transport:
        type: memory
        memory:
          address: examples-plugins-directory
      processors:
        - name: echo
          types: [example.echo]
        - name: wordcount
          types: [example.wordcount]
        - name: counter
          types: [example.counter.add]
        - name: flaky
          types: [example.flaky]
      """;

  private static Path pluginsDirectory;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    pluginsDirectory = Path.of(System.getProperty("sluice.examples.plugins",
        "(set sluice.examples.plugins to the directory holding the example jars)"));
    server = TestServer.start(CONFIG, pluginsDirectory.getParent());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theDirectoryHoldsOneJarPerExample() throws Exception {
    try (Stream<Path> files = Files.list(pluginsDirectory)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .hasSize(4)
          .allSatisfy(name -> assertThat(name).startsWith("sluice-example-").endsWith(".jar"));
    }
  }

  @Test
  void eachJarLoadsInItsOwnClassLoaderAndNoneIsOnTheClassPath() {
    try (Plugins plugins = Plugins.load(pluginsDirectory)) {
      assertThat(plugins.pluginPaths()).hasSize(4);
      assertThat(plugins.processorNames()).contains("echo", "wordcount", "counter", "flaky");
      List<ClassLoader> loaders = Stream.of("echo", "wordcount", "counter", "flaky")
          .map(name -> plugins.classLoaderOf(PluginComponent.Kind.PROCESSOR, name).orElseThrow())
          .toList();
      assertThat(loaders).doesNotHaveDuplicates()
          .doesNotContain(PluginsDirectoryEndToEndTest.class.getClassLoader());
    }
    assertThatThrownBy(() -> Class.forName("dev.sluice.examples.echo.EchoProcessor"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void echo() throws Exception {
    Result result = send("example.echo", "{\"a\": 1}");

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.dataAsString()).isEqualTo("{\"a\": 1}");
  }

  @Test
  void wordcount() throws Exception {
    Result result = send("example.wordcount", "{\"text\": \"to be or not to be\"}");

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.dataAsString()).isEqualTo(
        "{\"words\":6,\"top\":[[\"be\",2],[\"to\",2],[\"not\",1],[\"or\",1]]}");
  }

  @Test
  void counter() throws Exception {
    send("example.counter.add", "{\"counter\": \"it\", \"delta\": 40}");
    Result result = send("example.counter.add", "{\"counter\": \"it\", \"delta\": 2}");

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.dataAsString()).isEqualTo("{\"counter\":\"it\",\"value\":42}");
  }

  @Test
  void flaky() throws Exception {
    assertThat(send("example.flaky", "{\"fail\": false}").status()).isEqualTo(Status.OK);
    Result failed = send("example.flaky", "{\"fail\": true}");

    assertThat(failed.status()).isEqualTo(Status.ERROR);
    assertThat(failed.errorCode()).contains("FLAKY");
  }

  private static Result send(String type, String json) throws Exception {
    Event event = Event.builder().id(type + "-" + System.nanoTime()).source("/examples/it")
        .type(type).data(json, "application/json").build();
    return server.send(event);
  }
}
