package dev.sluice.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.config.Secret;
import dev.sluice.config.Settings;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.health.Health;
import dev.sluice.health.HealthReport;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.SluicePlugin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: MariaDB goes away while events flow, and comes back. The store is reached through a
 * {@link CuttableProxy}, so "stopping MariaDB" drops every connection and refuses new ones
 * without touching the shared server. Senders keep sending through the in-memory transport
 * all along; every event id is recorded with its result and how long the answer took.
 */
class MariaDbOutageTest {
  private static final String TYPE = "test.outage";
  private static final String SOURCE = "/test/outage";
  /** The number: callers hear UNAVAILABLE within 2 s while the database is down. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);
  /** "The breakers open within seconds": with these settings it takes about one. */
  private static final Duration BREAKER_OPENS_WITHIN = Duration.ofSeconds(5);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int SENDERS = 4;
  private static final int RESEND_AT_ONCE = 16;
  private static final Pattern MYSQL_URL =
      Pattern.compile("(jdbc:mysql://)([^/:?]+)(?::(\\d+))?(.*)");
  /** How many times the processor ran for each event id. */
  private static final Map<String, AtomicInteger> PROCESSED = new ConcurrentHashMap<>();

  /** Records the ids it processes; answers OK. */
  public static final class RecordingPlugin extends SluicePlugin {
    @Override
    protected void configure() {
      processor("recording", (e, c) -> {
        PROCESSED.computeIfAbsent(e.id(), id -> new AtomicInteger()).incrementAndGet();
        return Result.ok(e.id());
      });
    }
  }

  /** One send: when it left, how long the answer took, and the answer. */
  private record Sent(String id, long sentAtNanos, long tookNanos, Status status,
      String errorCode, String message) {
  }

  private Database db;
  private CuttableProxy proxy;
  private JdbcStore store;
  private SluiceServer server;
  private final AtomicBoolean sending = new AtomicBoolean(true);
  private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
  private final List<Thread> senders = new ArrayList<>();
  private final List<EventClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    PROCESSED.clear();
    db = Database.mariaDb();
    Matcher url = MYSQL_URL.matcher(db.url());
    assertThat(url.matches()).as("a jdbc:mysql URL: %s", db.url()).isTrue();
    proxy = new CuttableProxy(url.group(2),
        url.group(3) == null ? 3306 : Integer.parseInt(url.group(3)));
    Map<String, Object> settings = new HashMap<>();
    settings.put("url", url.group(1) + "127.0.0.1:" + proxy.port() + url.group(4));
    settings.put("user", db.user());
    settings.put("password", Secret.of(db.password()));
    settings.put("durability", "log");
    settings.put("connection-timeout", "1s");
    settings.put("pool-size", 6);
    store = JdbcStore.open(Settings.of(settings), Path.of("unused"), "outage",
        new SimpleMeterRegistry());
    server = SluiceServer.builder(SluiceConfig.parse("""
            transport: {type: memory, memory: {address: outage-%s}}
            processors:
              - name: recording
                types: [%s]
                concurrency: 8
                timeout: 10s
            resilience:
              store:
                call-timeout: 500ms
                circuit-breaker: {minimum-calls: 5, sliding-window: 10, wait-in-open: 1s}
            """.formatted(UUID.randomUUID(), TYPE), "test.yaml", Map.of()))
        .plugins(Plugins.of(new RecordingPlugin()))
        .store(store.eventStore()).locks(store.locks()).state(store.state())
        .build();
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    stopSenders();
    for (EventClient c : clients) {
      c.close();
    }
    if (server != null) {
      server.stop(Duration.ofSeconds(10));
    }
    if (proxy != null) {
      proxy.restore();
    }
    if (store != null) {
      store.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void storeOutageGivesUnavailableQuicklyAndServingResumesWithNothingAcceptedLost()
      throws Exception {
    assertThat(server.readiness().isUp()).isTrue();
    startSenders();
    await().atMost(WAIT).until(() -> count(Status.OK) >= 100);

    long cutAt = System.nanoTime();
    proxy.cut();

    await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> "open".equals(server.breakerStates().get("store")));
    Duration toOpen = Duration.ofNanos(System.nanoTime() - cutAt);
    assertThat(toOpen).as("time from the cut until the store breaker opened")
        .isLessThanOrEqualTo(BREAKER_OPENS_WITHIN);
    HealthReport down = await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
        .until(server::readiness, r -> !r.isUp());
    Health storeHealth = down.components().get("store");
    assertThat(storeHealth.isUp()).isFalse();
    assertThat(storeHealth.details()).containsEntry("breaker", "open");
    assertThat(server.liveness().isUp()).isTrue();
    // Keep the database away through a few open / half-open / open rounds of the breaker.
    long openedAt = System.nanoTime();
    await().atMost(WAIT).until(() -> sent.stream().anyMatch(s -> s.sentAtNanos()
        > openedAt + TimeUnit.SECONDS.toNanos(3)));

    long restoredAt = System.nanoTime();
    proxy.restore();

    await().atMost(WAIT).until(() -> server.readiness().isUp());
    await().atMost(WAIT).until(() -> "closed".equals(server.breakerStates().get("store")));
    long closedAt = System.nanoTime();
    await().atMost(WAIT).until(() -> sent.stream().filter(s -> s.sentAtNanos() > closedAt
        && s.status() == Status.OK).count() >= 100);
    stopSenders();

    // During the outage (sent while it lasted, or still waiting when it began): every answer is
    // OK (it got through before the cut) or UNAVAILABLE, and none took longer than the issue
    // allows.
    List<Sent> duringOutage = sent.stream().filter(s -> s.sentAtNanos() < restoredAt
        && s.sentAtNanos() + s.tookNanos() >= cutAt).toList();
    assertThat(duringOutage).isNotEmpty();
    assertThat(duringOutage).allSatisfy(s ->
        assertThat(s.status()).as("%s", s).isIn(Status.OK, Status.UNAVAILABLE));
    assertThat(duringOutage).filteredOn(s -> s.status() == Status.UNAVAILABLE)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.errorCode()).as("%s", s).isEqualTo("STORE_UNAVAILABLE"));
    Duration worst = Duration.ofNanos(
        duringOutage.stream().mapToLong(Sent::tookNanos).max().orElseThrow());
    System.out.printf("outage: breaker open %d ms after the cut; %d sends during the outage,"
            + " %d UNAVAILABLE, slowest answer %d ms; %d sends in all%n", toOpen.toMillis(),
        duringOutage.size(), duringOutage.stream()
            .filter(s -> s.status() == Status.UNAVAILABLE).count(), worst.toMillis(),
        sent.size());
    assertThat(worst).isLessThanOrEqualTo(ANSWER_WITHIN);
    // After the restore, once the breaker closed, every send succeeds without a restart.
    assertThat(sent.stream().filter(s -> s.sentAtNanos() > closedAt))
        .allSatisfy(s -> assertThat(s.status()).as("%s", s).isEqualTo(Status.OK));

    // A sender told UNAVAILABLE sends again, as the result says: each such event gets OK.
    Set<String> ok = new HashSet<>();
    Set<String> refused = new HashSet<>();
    for (Sent s : sent) {
      (s.status() == Status.OK ? ok : refused).add(s.id());
    }
    assertThat(refused).isNotEmpty();
    Set<String> pending = ConcurrentHashMap.newKeySet();
    pending.addAll(refused);
    Map<String, Result> lastAnswer = new ConcurrentHashMap<>();
    try (EventClient client = server.newClient()) {
      await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> {
            // as a few senders would: RESEND_AT_ONCE at a time, not a storm of them all
            List<String> ids = List.copyOf(pending);
            for (int from = 0; from < ids.size(); from += RESEND_AT_ONCE) {
              List<CompletableFuture<Void>> round = new ArrayList<>();
              for (String id : ids.subList(from, Math.min(ids.size(), from + RESEND_AT_ONCE))) {
                round.add(client.send(event(id), WAIT).toCompletableFuture().thenAccept(r -> {
                  lastAnswer.put(id, r);
                  if (r.status() == Status.OK) {
                    pending.remove(id);
                  }
                }));
              }
              CompletableFuture.allOf(round.toArray(CompletableFuture[]::new))
                  .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(pending).as("events refused again when resent; their last answers: %s",
                pending.stream().limit(5).map(lastAnswer::get).toList()).isEmpty();
          });
    }

    // Nothing accepted is lost: every event answered OK is in the store once, completed, and
    // was processed; those answered OK the first time were processed exactly once; no event is
    // left in progress.
    Map<String, List<Integer>> rows = storedRows();
    Set<String> all = new HashSet<>(ok);
    all.addAll(refused);
    assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(all);
    assertThat(rows).allSatisfy((id, states) ->
        assertThat(states).as(id).containsExactly(JdbcStateCodes.COMPLETED));
    assertThat(PROCESSED.keySet()).containsAll(all);
    Set<String> okAtOnce = new HashSet<>(ok);
    okAtOnce.removeAll(refused);
    assertThat(okAtOnce).allSatisfy(id ->
        assertThat(PROCESSED.get(id)).as(id).hasValue(1));
  }

  private static Event event(String id) {
    return Event.builder().id(id).source(SOURCE).type(TYPE)
        .data("{}", "application/json").build();
  }

  private long count(Status status) {
    return sent.stream().filter(s -> s.status() == status).count();
  }

  private void startSenders() {
    for (int n = 0; n < SENDERS; n++) {
      EventClient client = server.newClient();
      clients.add(client);
      String prefix = "s" + n + "-";
      Thread t = new Thread(() -> {
        for (int i = 0; sending.get(); i++) {
          String id = prefix + i;
          long start = System.nanoTime();
          Result r;
          try {
            r = client.send(event(id), WAIT).toCompletableFuture()
                .get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
          } catch (Exception e) {
            sent.add(new Sent(id, start, System.nanoTime() - start, null, "EXCEPTION",
                e.toString()));
            continue;
          }
          sent.add(new Sent(id, start, System.nanoTime() - start, r.status(),
              r.errorCode().orElse(""), r.errorMessage().orElse("")));
          // a steady flow, not a hot loop: while the breaker is open answers come at once
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
      }, "outage-sender-" + n);
      t.setDaemon(true);
      senders.add(t);
      t.start();
    }
  }

  private void stopSenders() throws InterruptedException {
    sending.set(false);
    for (Thread t : senders) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }
    senders.clear();
  }

  /** The state of each stored row of this test's events, by event id (straight to MariaDB). */
  private Map<String, List<Integer>> storedRows() throws Exception {
    Map<String, List<Integer>> rows = new HashMap<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT event_id, state FROM sluice_events WHERE source = ?")) {
      ps.setString(1, SOURCE);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(rs.getInt(2));
        }
      }
    }
    return rows;
  }

  /** The values of {@code sluice_events.state}. */
  private static final class JdbcStateCodes {
    static final int COMPLETED = 1;
  }
}
