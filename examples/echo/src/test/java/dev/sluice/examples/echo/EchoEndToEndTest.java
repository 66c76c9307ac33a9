package dev.sluice.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestServer;

/**
 * The plugin in a real server, reached through a client of the in-memory transport: the same
 * path an event takes over TCP or a broker, without the network. Copy this to test your own.
 */
class EchoEndToEndTest {
  private static final String CONFIG = """
      transport:
        type: memory
        memory:
          address: examples-echo
      processors:
        - name: echo
          types: [example.echo]
      """;

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    // The plugins on the class path, found through META-INF/services as the server finds them:
    // this module's own plugin, and the engine's, which provides the memory transport.
    server = TestServer.start(CONFIG);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void answersWithTheEventsOwnData() throws Exception {
    Result result = send(Event.builder().id("e-1").source("/examples/test").type("example.echo")
        .data("hello, sluice", "text/plain; charset=utf-8").build());

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.eventId()).isEqualTo("e-1");
    assertThat(result.dataAsString()).isEqualTo("hello, sluice");
    assertThat(result.dataContentType()).contains("text/plain; charset=utf-8");
  }

  @Test
  void rejectsATypeNoProcessorIsConfiguredFor() throws Exception {
    Result result = send(Event.builder().id("e-2").source("/examples/test")
        .type("example.unknown").build());

    assertThat(result.status()).isEqualTo(Status.REJECTED);
  }

  private static Result send(Event event) throws Exception {
    return server.send(event);
  }
}
