package dev.sluice.examples.flaky;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestServer;

/**
 * The flaky processor in a server, configured twice from one plugin: {@code flaky} with the
 * default rate 0, and {@code flaky-always} (the same plugin processor, named by
 * {@code processor:}) with rate 1.
 */
class FlakyEndToEndTest {
  private static final String CONFIG = """
      transport:
        type: memory
        memory:
          address: examples-flaky
      processors:
        - name: flaky
          types: [example.flaky]
        - name: flaky-always
          processor: flaky
          types: [example.flaky.always]
          settings:
            fail-rate: 1.0
            seed: 1
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
  void echoesAtFailRateZero() throws Exception {
    Result result = send("f-1", "example.flaky", "{\"order\": 7}");

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.dataAsString()).isEqualTo("{\"order\": 7}");
  }

  @Test
  void answersErrorFlakyWhenAskedToFail() throws Exception {
    Result result = send("f-2", "example.flaky", "{\"fail\": true}");

    assertThat(result.status()).isEqualTo(Status.ERROR);
    assertThat(result.errorCode()).contains("FLAKY");
    assertThat(result.errorMessage())
        .contains("failing on purpose: the event's data has \"fail\": true");
  }

  @Test
  void answersErrorFlakyAtFailRateOne() throws Exception {
    Result result = send("f-3", "example.flaky.always", "{\"order\": 8}");

    assertThat(result.status()).isEqualTo(Status.ERROR);
    assertThat(result.errorCode()).contains("FLAKY");
  }

  private static Result send(String id, String type, String json) throws Exception {
    Event event = Event.builder().id(id).source("/examples/test").type(type)
        .data(json, "application/json").build();
    return server.send(event);
  }
}
