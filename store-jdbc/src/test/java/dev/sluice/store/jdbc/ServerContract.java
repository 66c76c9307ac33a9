package dev.sluice.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.Admission;
import dev.sluice.spi.Delivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Servers with the JDBC store and the {@code counter} example, unchanged: idempotency across
 * servers sharing one database, and recovery after a crash.
 */
abstract class ServerContract {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Database db;
  private final List<AutoCloseable> open = new ArrayList<>();

  abstract Database newDatabase();

  @BeforeAll
  void createDatabase() {
    db = newDatabase();
  }

  @AfterAll
  void dropDatabase() {
    db.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  private JdbcStore store(String serverName) {
    JdbcStore store = db.open(serverName);
    open.add(store);
    return store;
  }

  private SluiceServer server(JdbcStore store) throws Exception {
    SluiceServer server = SluiceServer.builder(SluiceConfig.parse("""
            transport: {type: memory, memory: {address: counter-%s}}
            # these tests are about applying events once, not about outages: on a busy machine
            # two servers contending for one database may take longer than the default 1.5s
            resilience: {store: {call-timeout: 15s}}
            processors:
              - name: counter
                types: [example.counter.add]
                concurrency: 8
                timeout: 30s
                settings: {lock-wait: 20s}
            """.formatted(UUID.randomUUID()), "test.yaml", Map.of()))
        .plugins(Plugins.fromClasspath())
        .store(store.eventStore()).locks(store.locks()).state(store.state())
        .build();
    open.add(() -> server.stop(Duration.ofSeconds(10)));
    server.start();
    return server;
  }

  private static Event add(String id, String counter, long delta) {
    return Event.builder().id(id).source("/test/counter").type("example.counter.add")
        .data("{\"counter\": \"" + counter + "\", \"delta\": " + delta + "}", "application/json")
        .build();
  }

  private static long value(JdbcStore store, String counter) {
    return store.state().get("counter:" + counter)
        .map(b -> Long.parseLong(new String(b, StandardCharsets.US_ASCII))).orElse(0L);
  }

  /** Sends until the answer is final: IN_PROGRESS on the other server is retried, as told. */
  private static CompletableFuture<Result> sendUntilFinal(SluiceServer server, Event event) {
    return server.sink().submit(event, Delivery.within("test", Duration.ofSeconds(30)))
        .toCompletableFuture().thenCompose(r -> r.status() == Status.UNAVAILABLE
            && r.errorCode().filter("IN_PROGRESS"::equals).isPresent()
            ? CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
                .thenCompose(x -> sendUntilFinal(server, event))
            : CompletableFuture.completedFuture(r));
  }

  @Test
  void appliesAnEventSentManyTimesAtOnceToTwoServersOnceAndAnswersEveryoneTheSame()
      throws Exception {
    JdbcStore a = store("server-a");
    JdbcStore b = store("server-b");
    SluiceServer one = server(a);
    SluiceServer two = server(b);
    String counter = "c" + UUID.randomUUID().toString().substring(0, 8);
    Event event = add("repeated", counter, 7);

    List<CompletableFuture<Result>> answers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      answers.add(sendUntilFinal(i % 2 == 0 ? one : two, event));
    }
    Result first = answers.get(0).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(first.status()).isEqualTo(Status.OK);
    assertThat(first.dataAsString()).isEqualTo("{\"counter\":\"" + counter + "\",\"value\":7}");
    for (CompletableFuture<Result> answer : answers) {
      assertThat(answer.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(first);
    }
    assertThat(value(a, counter)).isEqualTo(7);
  }

  @Test
  void twoServersAddDistinctEventsToOneCounterWithoutLosingAny() throws Exception {
    JdbcStore a = store("server-a");
    JdbcStore b = store("server-b");
    SluiceServer one = server(a);
    SluiceServer two = server(b);
    String counter = "c" + UUID.randomUUID().toString().substring(0, 8);
    List<CompletableFuture<Result>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(sendUntilFinal(i % 2 == 0 ? one : two, add("e" + i, counter, 1)));
    }
    for (CompletableFuture<Result> answer : answers) {
      assertThat(answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
    }
    assertThat(value(b, counter)).isEqualTo(200);
  }

  @Test
  void processesOnRestartTheEventsAcceptedBeforeACrash() throws Exception {
    String counter = "c" + UUID.randomUUID().toString().substring(0, 8);
    Event accepted = add("accepted-then-crashed", counter, 5);
    // The server accepted the event (logged it) and died before processing it.
    try (JdbcStore crashed = db.open("crashing")) {
      assertThat(EventStoreContract.join(crashed.eventStore().admit(accepted)).kind())
          .isEqualTo(Admission.Kind.NEW);
    }
    JdbcStore restarted = store("crashing");
    SluiceServer server = server(restarted);

    await().atMost(WAIT).until(() -> value(restarted, counter) == 5
        && restarted.eventStore().incomplete(10).isEmpty());
    Result repeat = sendUntilFinal(server, accepted).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(repeat.dataAsString()).isEqualTo("{\"counter\":\"" + counter + "\",\"value\":5}");
    assertThat(value(restarted, counter)).isEqualTo(5);
  }
}
