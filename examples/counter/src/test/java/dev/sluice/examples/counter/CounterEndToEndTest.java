package dev.sluice.examples.counter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.sluice.testkit.TestServer;

/**
 * The counter in a server with the engine's lock service, state store and deduplication: the
 * contract that makes a non-idempotent processor safe to retry. Each test uses its own counter.
 */
class CounterEndToEndTest {
  private static final String CONFIG = """
      transport:
        type: memory
        memory:
          address: examples-counter
      processors:
        - name: counter
          types: [example.counter.add]
          concurrency: 8
          queue-capacity: 1024
          timeout: 30s
          settings:
            lock-wait: 20s
      """;
  private static final String SOURCE = "/examples/test";

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
  void addsAndAnswersTheNewValue() throws Exception {
    Result result = join(send(SOURCE, "add-1", "{\"counter\": \"plain\", \"delta\": 5}"));

    assertThat(result.status()).isEqualTo(Status.OK);
    assertThat(result.eventId()).isEqualTo("add-1");
    assertThat(result.dataContentType()).contains("application/json");
    assertThat(result.dataAsString()).isEqualTo("{\"counter\":\"plain\",\"value\":5}");
  }

  @Test
  void appliesAnEventSentTwiceOnce() throws Exception {
    Result first = join(send(SOURCE, "twice", "{\"counter\": \"twice\", \"delta\": 5}"));
    Result second = join(send(SOURCE, "twice", "{\"counter\": \"twice\", \"delta\": 5}"));

    assertThat(first.dataAsString()).isEqualTo("{\"counter\":\"twice\",\"value\":5}");
    assertThat(second).isEqualTo(first);
    assertThat(value("twice")).isEqualTo(5);
  }

  @Test
  void appliesAnEventSentFiftyTimesAtOnceOnceAndAnswersAllTheSame() throws Exception {
    List<CompletableFuture<Result>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(send(SOURCE, "fifty", "{\"counter\": \"fifty\", \"delta\": 3}"));
    }
    List<Result> results = joinAll(sent);

    assertThat(results.get(0).status()).isEqualTo(Status.OK);
    assertThat(results.get(0).dataAsString()).isEqualTo("{\"counter\":\"fifty\",\"value\":3}");
    assertThat(results).allSatisfy(r -> assertThat(r).isEqualTo(results.get(0)));
    assertThat(value("fifty")).isEqualTo(3);
  }

  @Test
  void appliesEventsWithDifferentIdsEachTime() throws Exception {
    Result first = join(send(SOURCE, "ids-a", "{\"counter\": \"ids\", \"delta\": 2}"));
    Result second = join(send(SOURCE, "ids-b", "{\"counter\": \"ids\", \"delta\": 2}"));

    assertThat(first.dataAsString()).isEqualTo("{\"counter\":\"ids\",\"value\":2}");
    assertThat(second.dataAsString()).isEqualTo("{\"counter\":\"ids\",\"value\":4}");
  }

  @Test
  void tellsEventsWithTheSameIdFromDifferentSourcesApart() throws Exception {
    join(send("/examples/one", "same-id", "{\"counter\": \"sources\", \"delta\": 1}"));
    join(send("/examples/two", "same-id", "{\"counter\": \"sources\", \"delta\": 1}"));

    assertThat(value("sources")).isEqualTo(2);
  }

  @Test
  void losesNoIncrementFromManyConcurrentEvents() throws Exception {
    int events = 200;
    List<CompletableFuture<Result>> sent = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      sent.add(send(SOURCE, "hot-" + i, "{\"counter\": \"hot\", \"delta\": 1}"));
    }
    List<Result> results = joinAll(sent);

    assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.OK));
    // Each event saw a different value: the lock let exactly one add run at a time.
    assertThat(results.stream().map(Result::dataAsString))
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, events)
            .mapToObj(v -> "{\"counter\":\"hot\",\"value\":" + v + "}").toList());
    assertThat(value("hot")).isEqualTo(events);
  }

  @Test
  void answersInvalidForBadInput() throws Exception {
    Result result = join(send(SOURCE, "bad-1", "{\"counter\": \"no spaces\", \"delta\": 0.5}"));

    assertThat(result.status()).isEqualTo(Status.INVALID);
    assertThat(result.errorCode()).contains("BAD_INPUT");
    assertThat(result.errorMessage().orElseThrow())
        .contains("\"counter\" must be 1 to 64 ASCII letters")
        .contains("\"delta\" must be an integer");
  }

  /** Reads a counter by adding 0, with a fresh event id. */
  private static long value(String counter) throws Exception {
    Result result = join(send(SOURCE, "read-" + System.nanoTime(),
        "{\"counter\": \"" + counter + "\", \"delta\": 0}"));
    assertThat(result.status()).isEqualTo(Status.OK);
    String json = result.dataAsString();
    return Long.parseLong(json.substring(json.lastIndexOf(':') + 1, json.length() - 1));
  }

  private static CompletableFuture<Result> send(String source, String id, String json) {
    Event event = Event.builder().id(id).source(source).type("example.counter.add")
        .data(json, "application/json").build();
    return server.sendAsync(event, Duration.ofSeconds(20));
  }

  private static Result join(CompletableFuture<Result> result) throws Exception {
    return TestServer.await(result);
  }

  private static List<Result> joinAll(List<CompletableFuture<Result>> results) throws Exception {
    List<Result> out = new ArrayList<>(results.size());
    for (CompletableFuture<Result> r : results) {
      out.add(join(r));
    }
    return out;
  }
}
