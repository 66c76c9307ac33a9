package dev.sluice.examples.flaky;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's error pipeline driven by the flaky processor: its failures are retryable, so the
 * engine retries them with backoff; an event that keeps failing is dead-lettered in the store
 * with its attempt count, and its result is marked for broker sources.
 */
class FlakyRetryAndDeadLetterTest {
  private static final String CONFIG = """
      transport:
        type: memory
        memory:
          address: examples-flaky-retry
      processors:
        - name: flaky-often
          processor: flaky
          types: [example.flaky.often]
          concurrency: 1
          settings:
            fail-rate: 0.3
            seed: 7
          retry:
            max-attempts: 12
            initial-backoff: 1ms
            max-backoff: 5ms
        - name: flaky
          types: [example.flaky]
          retry:
            max-attempts: 3
            initial-backoff: 5ms
            max-backoff: 20ms
      """;

  private final RecordingStore store = new RecordingStore();
  private Plugins plugins;
  private SluiceServer server;

  @BeforeEach
  void start() throws Exception {
    plugins = Plugins.fromClasspath();
    server = SluiceServer.builder(SluiceConfig.parse(CONFIG, "flaky test")).plugins(plugins)
        .store(store).build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(5));
    plugins.close();
  }

  @Test
  void retriesRandomFailuresUntilEveryEventSucceeds() throws Exception {
    try (EventClient client = server.newClient()) {
      for (int i = 0; i < 20; i++) {
        Result result = client.send(event("h-" + i, "example.flaky.often", "{\"n\": " + i + "}"),
            Duration.ofSeconds(20)).toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(result.status()).as("event h-%d", i).isEqualTo(Status.OK);
        assertThat(result.dataAsString()).isEqualTo("{\"n\": " + i + "}");
      }
    }

    // at a fail rate of 0.3, 20 events fail about 9 times before they pass; that stays below
    // the breaker's default threshold of 50%, so it stays closed
    double retries = server.metrics().get("sluice.processor.retries")
        .tag("processor", "flaky-often").counter().count();
    assertThat(retries).isBetween(1.0, 40.0);
    assertThat(store.letters).isEmpty();
  }

  @Test
  void deadLettersAnEventThatFailsEveryAttempt() throws Exception {
    Event event = event("d-1", "example.flaky", "{\"fail\": true}");

    Result result = server.sink().submit(event, Delivery.within("test", Duration.ofSeconds(20)))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(result.status()).isEqualTo(Status.ERROR);
    assertThat(result.errorCode()).contains(FlakyProcessor.CODE);
    assertThat(result.isDeadLettered()).isTrue();
    assertThat(store.letters).singleElement().satisfies(letter -> {
      assertThat(letter.event()).isEqualTo(event);
      assertThat(letter.processor()).isEqualTo("flaky");
      assertThat(letter.attempts()).isEqualTo(3);
      assertThat(letter.failure().errorMessage())
          .contains("failing on purpose: the event's data has \"fail\": true");
      assertThat(letter.lastFailure()).isAfterOrEqualTo(letter.firstFailure());
    });
    assertThat(server.metrics().get("sluice.processor.retries").tag("processor", "flaky")
        .counter().count()).isEqualTo(2.0);
  }

  private static Event event(String id, String type, String json) {
    return Event.builder().id(id).source("/examples/test").type(type)
        .data(json, "application/json").build();
  }

  /** Admits every event and keeps the dead letters. */
  private static final class RecordingStore implements EventStore {
    final List<DeadLetter> letters = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Admission> admit(Event event) {
      return CompletableFuture.completedFuture(Admission.fresh());
    }

    @Override
    public CompletionStage<Void> complete(EventKey key, Result result) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> release(EventKey key) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> deadLetter(DeadLetter letter) {
      letters.add(letter);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<Event> incomplete(int max) {
      return List.of();
    }
  }
}
