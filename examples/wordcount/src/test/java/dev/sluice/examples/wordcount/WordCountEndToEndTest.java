package dev.sluice.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestServer;

/** The word count in a server, over the in-memory transport, with its settings from YAML. */
class WordCountEndToEndTest {
  private static final String CONFIG = """
      transport:
        type: memory
        memory:
          address: examples-wordcount
      processors:
        - name: wordcount
          types: [example.wordcount]
          concurrency: 2
          settings:
            max-text-chars: 200
      """;
  private static final String TEXT = "It was the best of times, it was the worst of times, it was "
      + "the age of wisdom, it was the age of foolishness...";

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
  void countsTheWordsOfAKnownText() throws Exception {
    Result result = send("w-1", "{\"text\": \"" + TEXT + "\"}");

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.dataContentType()).contains("application/json");
    assertThat(result.dataAsString()).isEqualTo("{\"words\":24,\"top\":[[\"it\",4],[\"of\",4],"
        + "[\"the\",4],[\"was\",4],[\"age\",2],[\"times\",2],[\"best\",1],[\"foolishness\",1],"
        + "[\"wisdom\",1],[\"worst\",1]]}");
  }

  @Test
  void answersInvalidForDataWithoutText() throws Exception {
    Result result = send("w-2", "{\"body\": \"hello\"}");

    assertThat(result.status()).isEqualTo(Status.INVALID);
    assertThat(result.errorCode()).contains("BAD_INPUT");
    assertThat(result.errorMessage()).contains(
        "data has no \"text\" field; expected a JSON object such as {\"text\": \"...\"}");
  }

  @Test
  void appliesTheConfiguredLimit() throws Exception {
    Result result = send("w-3", "{\"text\": \"" + "word ".repeat(41) + "\"}");

    assertThat(result.status()).isEqualTo(Status.INVALID);
    assertThat(result.errorCode()).contains("TEXT_TOO_LONG");
  }

  private static Result send(String id, String json) throws Exception {
    Event event = Event.builder().id(id).source("/examples/test").type("example.wordcount")
        .data(json, "application/json").build();
    return server.send(event);
  }
}
