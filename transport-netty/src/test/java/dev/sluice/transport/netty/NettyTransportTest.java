package dev.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.AuthenticationException;
import dev.sluice.spi.Authenticator;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.Principal;
import dev.sluice.transport.netty.internal.ErrorCode;
import dev.sluice.transport.netty.internal.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The netty transport over real loopback sockets: everything the conformance suite does not. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NettyTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicLong IDS = new AtomicLong();
  /** The loggers of the transport's and the TLS support's notices, as the log names them. */
  private static final String TRANSPORT_LOG = "dev.sluice.transport.netty";
  private static final String TLS_LOG = "dev.sluice.security.tls";

  @TempDir
  Path dir;

  private static Event event(String text) {
    return Event.builder().id("e-" + IDS.incrementAndGet()).source("/test").type("test.echo")
        .data(text, "text/plain").build();
  }

  private static Result get(CompletionStage<Result> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
  }

  @Test
  void concurrentRequestsOverSeveralConnectionsGetTheirOwnResultsInAnyOrder() throws Exception {
    try (ServerHarness server = ServerHarness.holding(dir, Map.of())) {
      ExecutorService processors = Executors.newFixedThreadPool(4);
      Thread answerer = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            ServerHarness.Received r = server.received.take();
            // random delays so results overtake each other
            processors.execute(() -> {
              if (ThreadLocalRandom.current().nextInt(4) == 0) {
                Thread.yield();
              }
              r.result().complete(Result.ok(r.event().id(), r.event().data(), "text/plain"));
            });
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      answerer.start();
      EventClient client = server.client(Map.of("connections", 4), Optional.empty());
      ExecutorService senders = Executors.newFixedThreadPool(4);
      List<CompletableFuture<List<String>>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        work.add(CompletableFuture.supplyAsync(() -> {
          List<CompletableFuture<Result>> results = new ArrayList<>();
          List<String> problems = new ArrayList<>();
          for (int i = 0; i < 500; i++) {
            results.add(client.send(event(thread + "/" + i), WAIT).toCompletableFuture());
          }
          for (int i = 0; i < 500; i++) {
            Result r = results.get(i).join();
            if (r.status() != Status.OK || !r.dataAsString().equals(thread + "/" + i)) {
              problems.add(i + ": " + r);
            }
          }
          return problems;
        }, senders));
      }
      for (CompletableFuture<List<String>> w : work) {
        assertThat(w.get(60, TimeUnit.SECONDS)).isEmpty();
      }
      answerer.interrupt();
      processors.shutdown();
      senders.shutdown();
    }
  }

  @Test
  void eventsOfOneKeyReachTheServerInTheOrderSentWhileTheConnectionsOpen() throws Exception {
    int keys = 5;
    int perKey = 60;
    try (ServerHarness server = ServerHarness.echo(dir, Map.of())) {
      // every round starts a fresh client, so its first sends race the TLS handshake and WELCOME
      for (int round = 0; round < 10; round++) {
        EventClient client = server.client(Map.of("connections", 3), Optional.empty());
        List<CompletableFuture<Result>> results = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
          for (int k = 0; k < keys; k++) {
            Event e = Event.builder().id("o-" + IDS.incrementAndGet()).source("/test")
                .type("test.echo").partitionKey("key-" + k).data(k + "/" + i, "text/plain")
                .build();
            results.add(client.send(e, WAIT).toCompletableFuture());
          }
        }
        for (CompletableFuture<Result> r : results) {
          assertThat(get(r).status()).isEqualTo(Status.OK);
        }
        Map<String, List<String>> arrived = new java.util.HashMap<>();
        for (ServerHarness.Received r : new ArrayList<>(server.received)) {
          arrived.computeIfAbsent(r.event().partitionKey().orElseThrow(), k -> new ArrayList<>())
              .add(r.event().dataAsString());
        }
        server.received.clear();
        for (int k = 0; k < keys; k++) {
          int key = k;
          assertThat(arrived.get("key-" + k)).as("arrival order of key-%d in round %d", k, round)
              .containsExactlyElementsOf(java.util.stream.IntStream.range(0, perKey)
                  .mapToObj(i -> key + "/" + i).toList());
        }
        client.close();
      }
    }
  }

  @Test
  void aLaterRequestsResultArrivesBeforeAnEarlierOnes() throws Exception {
    try (ServerHarness server = ServerHarness.holding(dir, Map.of())) {
      EventClient client = server.client(Map.of("connections", 1), Optional.empty());
      CompletableFuture<Result> first = client.send(event("first"), WAIT).toCompletableFuture();
      CompletableFuture<Result> second = client.send(event("second"), WAIT)
          .toCompletableFuture();
      ServerHarness.Received a = server.received.poll(30, TimeUnit.SECONDS);
      ServerHarness.Received b = server.received.poll(30, TimeUnit.SECONDS);
      assertThat(a.delivery().remoteAddress()).isEqualTo(b.delivery().remoteAddress());
      b.result().complete(Result.ok(b.event().id(), "B", "text/plain"));
      assertThat(get(second).dataAsString()).isEqualTo("B");
      assertThat(first).isNotDone();
      a.result().complete(Result.ok(a.event().id(), "A", "text/plain"));
      assertThat(get(first).dataAsString()).isEqualTo("A");
    }
  }

  @Test
  void aRequestDeadlineGivesTimeoutAndTravelsToTheServer() throws Exception {
    try (ServerHarness server = ServerHarness.holding(dir, Map.of())) {
      EventClient client = server.client();
      Instant before = Instant.now();
      Event e = event("slow");
      Result r = get(client.send(e, Duration.ofMillis(500)));
      assertThat(r.status()).isEqualTo(Status.TIMEOUT);
      assertThat(r.eventId()).isEqualTo(e.id());
      assertThat(r.errorMessage()).hasValueSatisfying(m -> assertThat(m).contains("500ms"));
      ServerHarness.Received got = server.received.poll(30, TimeUnit.SECONDS);
      assertThat(got.delivery().deadline())
          .isAfter(before).isBefore(before.plusSeconds(1).plusMillis(500));
      // a late result is dropped quietly; the connection goes on serving
      got.result().complete(Result.ok(got.event().id()));
      server.echo = true;
      assertThat(get(client.send(event("next"), WAIT)).status()).isEqualTo(Status.OK);
    }
  }

  @Test
  void eventsSentTogetherEachGetTheDeadlineOfTheirOwnTimeout() throws Exception {
    try (ServerHarness server = ServerHarness.holding(dir, Map.of("request-timeout", "20s"));
        RawClient raw = RawClient.tls(server.port())) {
      assertThat(raw.handshake()).isInstanceOf(Frame.Welcome.class);
      Instant before = Instant.now();
      // 0 asks for the server's request-timeout; the server reads the clock once per read
      long[] timeouts = {500, 0, 60_000, 500, 0};
      Frame[] frames = new Frame[timeouts.length];
      for (int i = 0; i < timeouts.length; i++) {
        frames[i] = new Frame.EventFrame(i + 1, timeouts[i], List.of("id", "e" + i, "source",
            "/t", "specversion", "1.0", "type", "test.hold"), new byte[0]);
      }
      raw.sendAll(frames);
      for (int i = 0; i < timeouts.length; i++) {
        ServerHarness.Received got = server.received.poll(30, TimeUnit.SECONDS);
        Instant after = Instant.now();
        int n = Integer.parseInt(got.event().id().substring(1));
        Duration timeout = Duration.ofMillis(timeouts[n] == 0 ? 20_000 : timeouts[n]);
        assertThat(got.delivery().deadline()).as("the deadline of e%d", n)
            .isBetween(before.plus(timeout), after.plus(timeout));
        got.result().complete(Result.ok(got.event().id()));
      }

      // a later read reads the clock again
      assertThat(server.received).isEmpty();
      raw.send(new Frame.EventFrame(10, 500, List.of("id", "a", "source", "/t", "specversion",
          "1.0", "type", "test.hold"), new byte[0]));
      ServerHarness.Received first = server.received.poll(30, TimeUnit.SECONDS);
      Instant firstRead = first.delivery().deadline().minusMillis(500);
      await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(firstRead));
      Instant beforeSecond = Instant.now();
      raw.send(new Frame.EventFrame(11, 500, List.of("id", "b", "source", "/t", "specversion",
          "1.0", "type", "test.hold"), new byte[0]));
      ServerHarness.Received second = server.received.poll(30, TimeUnit.SECONDS);
      assertThat(second.delivery().deadline())
          .isBetween(beforeSecond.plusMillis(500), Instant.now().plusMillis(500))
          .isAfter(first.delivery().deadline());
      first.result().complete(Result.ok("a"));
      second.result().complete(Result.ok("b"));
    }
  }

  @Test
  void theClientReconnectsWhenTheServerComesBack() throws Exception {
    ServerHarness server = ServerHarness.echo(dir, Map.of());
    try {
      EventClient client = server.client();
      assertThat(get(client.send(event("before"), WAIT)).status()).isEqualTo(Status.OK);
      server.stop();
      Result down = get(client.send(event("down"), WAIT));
      assertThat(down.status()).isEqualTo(Status.UNAVAILABLE);
      assertThat(down.errorMessage()).hasValueSatisfying(m -> assertThat(m)
          .contains("127.0.0.1:" + server.port()));
      server.start();
      await("the client reconnecting to the restarted server").atMost(WAIT)
          .until(() -> get(client.send(event("after"), WAIT)).status() == Status.OK);
    } finally {
      server.close();
    }
  }

  @Test
  void gracefulStopSendsGoawayAndStillDeliversInFlightResults() throws Exception {
    ServerHarness server = ServerHarness.holding(dir, Map.of());
    try (RawClient raw = RawClient.tls(server.port())) {
      assertThat(raw.handshake()).isInstanceOf(Frame.Welcome.class);
      raw.send(new Frame.EventFrame(41, 30_000, List.of("id", "held", "source", "/t",
          "specversion", "1.0", "type", "test.hold"), new byte[0]));
      ServerHarness.Received held = server.received.poll(30, TimeUnit.SECONDS);
      CompletableFuture<Void> stopped = server.source.stop(WAIT).toCompletableFuture();
      Frame goAway = raw.next(WAIT);
      assertThat(goAway).isInstanceOf(Frame.GoAway.class);
      assertThat(((Frame.GoAway) goAway).lastCorrelationId()).isEqualTo(41);
      assertThat(stopped).isNotDone();

      raw.send(new Frame.EventFrame(42, 30_000, List.of("id", "late", "source", "/t",
          "specversion", "1.0", "type", "test.hold"), new byte[0]));
      Frame refused = raw.next(WAIT);
      assertThat(refused).isInstanceOf(Frame.ResultFrame.class);
      assertThat(((Frame.ResultFrame) refused).status()).isEqualTo(Status.UNAVAILABLE);
      assertThat(((Frame.ResultFrame) refused).correlationId()).isEqualTo(42);

      held.result().complete(Result.ok("held", "done", "text/plain"));
      Frame result = raw.next(WAIT);
      assertThat(result).isInstanceOf(Frame.ResultFrame.class);
      assertThat(((Frame.ResultFrame) result).correlationId()).isEqualTo(41);
      assertThat(((Frame.ResultFrame) result).status()).isEqualTo(Status.OK);
      raw.closed.get(30, TimeUnit.SECONDS);
      stopped.get(30, TimeUnit.SECONDS);
    } finally {
      server.close();
    }
  }

  @Test
  void requestsAConnectionNeverWroteBecauseOfGoawayAreSentOnANewConnection() throws Exception {
    Set<Integer> eventConnections = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (ScriptedServer server = new ScriptedServer(dir, (connection, ctx, frame) -> {
      if (frame instanceof Frame.Hello && connection == 1) {
        // stopping as this connection opens: no WELCOME, so it has accepted nothing
        ctx.writeAndFlush(new Frame.GoAway(0, "stopping"));
      } else if (frame instanceof Frame.Hello) {
        ctx.writeAndFlush(new Frame.Welcome(Frame.VERSION, 60_000, 1 << 20, "anonymous",
            "scripted"));
      } else if (frame instanceof Frame.EventFrame e) {
        eventConnections.add(connection);
        Event received = dev.sluice.transport.netty.internal.EventMapping.toEvent(e);
        ctx.writeAndFlush(dev.sluice.transport.netty.internal.EventMapping.toFrame(
            e.correlationId(), Result.ok(received.id(), received.data(), "text/plain")));
      }
    })) {
      ServerHarness clientSide = new ServerHarness(dir, Map.of("port", server.port()), null);
      try {
        EventClient client = clientSide.client(Map.of("connections", 1), Optional.empty());
        // sent at once: they wait in the first connection for a WELCOME that never comes
        List<CompletableFuture<Result>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          results.add(client.send(event("moved " + i), WAIT).toCompletableFuture());
        }
        for (int i = 0; i < 5; i++) {
          assertThat(get(results.get(i)).dataAsString()).isEqualTo("moved " + i);
        }
        assertThat(eventConnections).containsExactly(2);
        assertThat(server.connections()).isEqualTo(2);
      } finally {
        clientSide.closeClients();
      }
    }
  }

  @Test
  void anOversizedFrameIsRefusedFromItsLengthAndOthersGoOnBeingServed() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of("max-frame-bytes", 4096));
        RawClient raw = RawClient.tls(server.port())) {
      EventClient bystander = server.client();
      assertThat(get(bystander.send(event("x"), WAIT)).status()).isEqualTo(Status.OK);
      raw.handshake();
      // only the header of a 100 MB frame: refused without waiting for its body
      ByteBuf header = Unpooled.buffer().writeInt(100_000_000).writeByte(Frame.EVENT)
          .writeByte(0).writeInt(9);
      raw.sendBytes(header);
      Frame error = raw.next(WAIT);
      assertThat(error).isEqualTo(new Frame.ErrorFrame(9, ErrorCode.TOO_LARGE,
          "frame of 100000000 bytes is over the limit of 4096 bytes (max-frame-bytes); send "
              + "less data or raise the server's limit"));
      raw.closed.get(30, TimeUnit.SECONDS);
      assertThat(get(bystander.send(event("still"), WAIT)).status()).isEqualTo(Status.OK);
      assertThat(server.metrics.counter("sluice.netty.refused", "code", "TOO_LARGE").count())
          .isEqualTo(1);
      assertThat(server.metrics.counter("sluice.transport.errors", "transport", "netty",
          "kind", "too-large").count()).isEqualTo(1);
      assertThat(server.metrics.counter("sluice.transport.bytes", "transport", "netty",
          "direction", "in").count()).as("bytes read, TLS records included").isGreaterThan(14);
      assertThat(server.metrics.counter("sluice.transport.bytes", "transport", "netty",
          "direction", "out").count()).isPositive();
      // left: the bystander's two pooled connections (two requests, round robin)
      await("the refused connection leaving the gauge").atMost(WAIT).until(() ->
          server.metrics.get("sluice.netty.connections").gauge().value() == 2
              && server.metrics.get("sluice.transport.connections").tag("transport", "netty")
                  .gauge().value() == 2);

      Result viaClient = get(bystander.send(event("y".repeat(5000)), WAIT));
      assertThat(viaClient.status()).isEqualTo(Status.INVALID);
      assertThat(viaClient.errorCode()).contains("TOO_LARGE");
      assertThat(get(bystander.send(event("again"), WAIT)).status()).isEqualTo(Status.OK);
    }
  }

  @Test
  void malformedFramesGetAnErrorNamingTheProblemAndCloseOnlyTheirConnection() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of("max-attribute-bytes", 64,
        "max-extensions", 1))) {
      EventClient bystander = server.client();
      assertRefused(server, raw -> raw.sendBytes(new byte[] {0, 0, 0, 6, 0x7F, 0, 0, 0, 0, 0}),
          ErrorCode.PROTOCOL_ERROR, "unknown frame type 0x7f");
      assertRefused(server, raw -> raw.sendBytes(new byte[] {0, 0, 0, 2, 1, 0}),
          ErrorCode.PROTOCOL_ERROR, "shorter than the 6-byte frame header");
      assertRefused(server, raw -> raw.send(new Frame.EventFrame(3, 0,
              List.of("id", "1", "source", "/s", "specversion", "1.0", "type", "t",
                  "subject", "s".repeat(65)), new byte[0])),
          ErrorCode.ATTRIBUTE_TOO_LARGE, "attribute 'subject' is 65 bytes, over the limit of 64");
      assertRefused(server, raw -> raw.send(new Frame.EventFrame(4, 0,
              List.of("id", "1", "source", "/s", "specversion", "1.0", "type", "t",
                  "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6"), new byte[0])),
          ErrorCode.TOO_MANY_ATTRIBUTES, "10 attributes, over the limit of 9");
      try (RawClient raw = RawClient.tls(server.port())) {
        raw.send(new Frame.EventFrame(5, 0, List.of("id", "1"), new byte[0]));
        Frame f = raw.next(WAIT);
        assertThat(f).isInstanceOf(Frame.ErrorFrame.class);
        assertThat(((Frame.ErrorFrame) f).message()).contains("wait for WELCOME");
      }
      assertThat(get(bystander.send(event("still serving"), WAIT)).status())
          .isEqualTo(Status.OK);
    }
  }

  private interface RawAction {
    void run(RawClient raw) throws Exception;
  }

  private static void assertRefused(ServerHarness server, RawAction action, ErrorCode code,
      String message) throws Exception {
    try (RawClient raw = RawClient.tls(server.port())) {
      assertThat(raw.handshake()).isInstanceOf(Frame.Welcome.class);
      action.run(raw);
      Frame f = raw.next(WAIT);
      assertThat(f).isInstanceOf(Frame.ErrorFrame.class);
      assertThat(((Frame.ErrorFrame) f).code()).isEqualTo(code);
      assertThat(((Frame.ErrorFrame) f).message()).contains(message);
      raw.closed.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEventThatBreaksCloudEventsRulesIsInvalidAndTheConnectionStays() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of());
        RawClient raw = RawClient.tls(server.port())) {
      raw.handshake();
      raw.send(new Frame.EventFrame(1, 0, List.of("id", "x", "source", "/s",
          "specversion", "1.0", "type", "t", "time", "noon", "Bad", "1"), new byte[0]));
      Frame f = raw.next(WAIT);
      assertThat(f).isInstanceOf(Frame.ErrorFrame.class); // upper case name: a framing error
      try (RawClient second = RawClient.tls(server.port())) {
        second.handshake();
        second.send(new Frame.EventFrame(2, 0, List.of("id", "x", "source", "/s",
            "specversion", "1.0", "type", "t", "time", "noon", "id", "y"), new byte[0]));
        Frame.ResultFrame r = (Frame.ResultFrame) second.next(WAIT);
        assertThat(r.status()).isEqualTo(Status.INVALID);
        assertThat(r.message()).contains("'time' must be an RFC 3339 timestamp")
            .contains("attribute 'id' appears more than once");
        second.send(new Frame.EventFrame(3, 0, List.of("id", "z", "source", "/s",
            "specversion", "1.0", "type", "t"), new byte[] {1, 2}));
        Frame.ResultFrame ok = (Frame.ResultFrame) second.next(WAIT);
        assertThat(ok.status()).isEqualTo(Status.OK);
        assertThat(ok.data()).containsExactly(1, 2);
      }
    }
  }

  @Test
  void aConnectionStalledInTheMiddleOfAFrameIsClosedAtTheIdleTimeout() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of("idle-timeout", "1s"));
        RawClient raw = RawClient.tls(server.port())) {
      raw.handshake();
      raw.sendBytes(new byte[] {0, 0, 0, 100, Frame.EVENT, 0, 0, 0, 0, 1, 0, 0});
      Frame f = raw.next(WAIT);
      assertThat(f).isInstanceOf(Frame.ErrorFrame.class);
      assertThat(((Frame.ErrorFrame) f).code()).isEqualTo(ErrorCode.IDLE_TIMEOUT);
      raw.closed.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aConnectionWithoutHelloIsClosedAtTheHandshakeTimeout() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of("handshake-timeout", "1s"));
        RawClient raw = RawClient.tls(server.port())) {
      Frame f = raw.next(WAIT);
      assertThat(f).isEqualTo(new Frame.ErrorFrame(0, ErrorCode.HANDSHAKE_TIMEOUT,
          "no completed handshake within 1000ms (handshake-timeout)"));
      raw.closed.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPlaintextClientIsRefusedByATlsServer() throws Exception {
    // a handshake timeout far beyond the wait below: the refusal, not the timer, closes it
    try (ServerHarness server = ServerHarness.echo(dir, Map.of("handshake-timeout", "5m"));
        RawClient raw = RawClient.plain(server.port())) {
      raw.send(new Frame.Hello(1, 1, Frame.Auth.NONE, "", ""));
      raw.closed.get(30, TimeUnit.SECONDS);
      assertThat(raw.next(Duration.ZERO)).isNull();
    }
  }

  @Test
  void reconnectAttemptsBackOffDoublingUpToTheMaximum() throws Exception {
    int nobody = NettyTransportConformanceTest.freePort();
    ServerHarness clientSide = new ServerHarness(dir, Map.of("port", nobody), null);
    try {
      EventClient client = clientSide.client(Map.of("connections", 1,
          "reconnect-backoff", "500ms", "reconnect-backoff-max", "2s"), Optional.empty());
      // "... (N failed attempts; next in Mms)": the longest wait announced after N failures
      java.util.regex.Pattern announced =
          java.util.regex.Pattern.compile("\\((\\d+) failed attempts; next in (\\d+)ms\\)");
      Map<Integer, Long> longestWait = new java.util.concurrent.ConcurrentHashMap<>();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
        Result r = get(client.send(event("nobody there"), WAIT));
        assertThat(r.status()).isEqualTo(Status.UNAVAILABLE);
        java.util.regex.Matcher m = announced.matcher(r.errorMessage().orElse(""));
        if (m.find()) {
          longestWait.merge(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Math::max);
        }
        return longestWait.containsKey(5);
      });
      assertThat(longestWait.get(1)).isBetween(1L, 500L);
      assertThat(longestWait.get(2)).isBetween(501L, 1000L);
      assertThat(longestWait.get(3)).isBetween(1001L, 2000L);
      assertThat(longestWait.get(4)).as("capped by reconnect-backoff-max")
          .isBetween(1001L, 2000L);
    } finally {
      clientSide.closeClients();
    }
  }

  @Test
  void onlyTls13And12AreSpoken() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of())) {
      // BoringSSL still implements TLS 1.1, so this client really offers it
      var tls11 = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
          .protocols("TLSv1.1").ciphers(TLS11_SUITES)
          .trustManager(InsecureTrustManagerFactory.INSTANCE)
          .endpointIdentificationAlgorithm(null).build();
      assertThat(handshake(tls11, server.port())).startsWith("failed")
          .containsIgnoringCase("protocol");
      assertThat(handshake(tls11, permissiveServerPort(server))).as("the same client against "
          + "a server that allows TLS 1.1, proving that it offers TLS 1.1").isEqualTo("TLSv1.1");
      var tls12 = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
          .protocols("TLSv1.2").trustManager(InsecureTrustManagerFactory.INSTANCE)
          .endpointIdentificationAlgorithm(null).build();
      assertThat(handshake(tls12, server.port())).isEqualTo("TLSv1.2");
      var any = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
          .endpointIdentificationAlgorithm(null).build();
      assertThat(handshake(any, server.port())).isEqualTo("TLSv1.3");
    }
  }

  /** TLS 1.1 has no AEAD suites: a CBC one makes an offer of TLS 1.1 possible at all. */
  private static final List<String> TLS11_SUITES =
      List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  /** A bare OpenSSL server with the harness's certificate that still allows TLS 1.1. */
  private int permissiveServerPort(ServerHarness server) throws Exception {
    var cert = dev.sluice.security.tls.internal.DevCertificate.loadOrCreate(
        server.dataDirectory);
    var context = SslContextBuilder.forServer(cert.key(), cert.chain())
        .sslProvider(SslProvider.OPENSSL).protocols("TLSv1.1", "TLSv1.2", "TLSv1.3")
        .ciphers(TLS11_SUITES).build();
    var group = dev.sluice.transport.netty.internal.EventLoops.group(1, "tls11-server");
    var channel = new io.netty.bootstrap.ServerBootstrap().group(group)
        .channel(dev.sluice.transport.netty.internal.EventLoops.serverChannel())
        .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
          @Override
          protected void initChannel(io.netty.channel.Channel ch) {
            ch.pipeline().addLast(context.newHandler(ch.alloc()));
          }
        }).bind("127.0.0.1", 0).sync().channel();
    cleanup.add(() -> {
      channel.close().sync();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    });
    return ((java.net.InetSocketAddress) channel.localAddress()).getPort();
  }

  private static String handshake(io.netty.handler.ssl.SslContext context, int port)
      throws Exception {
    var group = dev.sluice.transport.netty.internal.EventLoops.group(1, "tls-probe");
    try {
      CompletableFuture<String> outcome = new CompletableFuture<>();
      new io.netty.bootstrap.Bootstrap().group(group)
          .channel(dev.sluice.transport.netty.internal.EventLoops.channel())
          .handler(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
            @Override
            protected void initChannel(io.netty.channel.Channel ch) {
              SslHandler h = context.newHandler(ch.alloc(), "localhost", port);
              h.handshakeFuture().addListener(f -> outcome.complete(f.isSuccess()
                  ? h.engine().getSession().getProtocol() : "failed: " + f.cause()));
              ch.pipeline().addLast(h);
            }
          }).connect("127.0.0.1", port).sync();
      return outcome.get(30, TimeUnit.SECONDS);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void plaintextIsRefusedBeyondLoopbackUnlessForced() throws Exception {
    Map<String, Object> everywhere = Map.of("host", "0.0.0.0", "tls", Map.of("enabled", false));
    var refused = new NettyTransport().createSource(new ServerHarness(dir, Map.of(), null)
        .contextFor(Map.of("host", "0.0.0.0", "port", 0, "tls", Map.of("enabled", false))));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> refused.start((e, d) -> null))
        .hasMessageContaining("is not a loopback address")
        .hasMessageContaining("plaintext-beyond-loopback: true");

    Map<String, Object> forced = new java.util.HashMap<>(everywhere);
    forced.put("plaintext-beyond-loopback", true);
    try (LogLines log = LogLines.of(TRANSPORT_LOG);
        ServerHarness server = ServerHarness.echo(dir, forced)) {
      assertThat(server.source.describe()).startsWith("tcp://0.0.0.0:");
      assertThat(log.warnings()).anySatisfy(line -> assertThat(line)
          .contains("tls.enabled is false").contains("clear text").contains("0.0.0.0"));
      ServerHarness loopback = server.clientsElsewhere(dir.resolve("client-side"),
          Map.of("tls", Map.of("enabled", false)));
      assertThat(get(loopback.client().send(event("forced"), WAIT)).dataAsString())
          .isEqualTo("forced");
    }
  }

  @Test
  void theFirstStartCreatesADevelopmentCertificateAndLogsItsFingerprint() throws Exception {
    try (LogLines certLog = LogLines.of(TLS_LOG);
        LogLines serverLog = LogLines.of(TRANSPORT_LOG);
        ServerHarness server = ServerHarness.echo(dir, Map.of())) {
      X509Certificate cert = (X509Certificate) java.security.cert.CertificateFactory
          .getInstance("X.509").generateCertificate(java.nio.file.Files.newInputStream(
              dir.resolve("tls/dev-cert.pem")));
      String fingerprint = dev.sluice.security.tls.CertificateFingerprint.sha256(cert);
      assertThat(cert.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)))
          .contains("localhost", "127.0.0.1");
      assertThat(certLog.warnings()).anySatisfy(line -> assertThat(line)
          .contains("created a self-signed development TLS certificate")
          .contains(fingerprint));
      assertThat(serverLog.infos()).anySatisfy(line -> assertThat(line)
          .contains("listening on tls://127.0.0.1:" + server.port())
          .contains("SHA-256 " + fingerprint));
    }
  }

  @Test
  void aClientThatTrustsAnyServerConnectsAndSaysSoInTheLog() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of());
        LogLines log = LogLines.of(TLS_LOG)) {
      // a data directory without the server's certificate: only "insecure" can trust it
      ServerHarness clientSide = server.clientsElsewhere(dir.resolve("client-side"), Map.of());
      EventClient insecure = clientSide.client(Map.of("insecure", true), Optional.empty());
      assertThat(get(insecure.send(event("anyone"), WAIT)).dataAsString()).isEqualTo("anyone");
      assertThat(log.warnings()).anySatisfy(line -> assertThat(line)
          .contains("transport.netty.client.insecure is on")
          .contains("trusts ANY server certificate"));
    }
  }

  @Test
  void heartbeatsKeepAConnectionWaitingForASlowResultOpenPastTheIdleTimeout()
      throws Exception {
    try (ServerHarness server = ServerHarness.holding(dir, Map.of("idle-timeout", "1s"))) {
      EventClient client = server.client(Map.of("connections", 1), Optional.empty());
      CompletableFuture<Result> slow = client.send(event("slow"), WAIT).toCompletableFuture();
      ServerHarness.Received r = server.received.poll(30, TimeUnit.SECONDS);
      assertThat(r).isNotNull();
      // three idle timeouts in which the client has nothing to send but its PINGs: without
      // them the server would close the connection and the request would fail UNAVAILABLE
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> !slow.isDone());
      r.result().complete(Result.ok(r.event().id(), "late".getBytes(), "text/plain"));
      assertThat(get(slow).dataAsString()).isEqualTo("late");
      assertThat(server.metrics.find("sluice.netty.refused").tag("code", "IDLE_TIMEOUT")
          .counter()).as("no connection was closed as idle").isNull();
    }
  }

  @Test
  void plaintextOnLoopbackWorksWhenConfigured() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of("tls", Map.of("enabled", false)))) {
      assertThat(server.source.describe()).startsWith("tcp://127.0.0.1:");
      assertThat(get(server.client().send(event("clear"), WAIT)).dataAsString())
          .isEqualTo("clear");
    }
  }

  @Test
  void passwordsAndAnonymousCallersFollowTheAuthenticator() throws Exception {
    Authenticator auth = new Authenticator() {
      @Override
      public boolean required() {
        return true;
      }

      @Override
      public CompletionStage<Principal> login(String user, char[] password, String remote) {
        return "alice".equals(user) && "s3cret".equals(new String(password))
            ? CompletableFuture.completedFuture(Principal.of("alice", "writer"))
            : CompletableFuture.failedFuture(new AuthenticationException(
                "unknown user or wrong password"));
      }

      @Override
      public Principal certificate(X509Certificate[] chain) throws AuthenticationException {
        throw new AuthenticationException("no certificates here");
      }
    };
    try (ServerHarness server = new ServerHarness(dir, Map.of(), auth).start()) {
      server.echo = true;
      EventClient alice = server.client(Map.of(),
          Optional.of(new Credentials("alice", "s3cret".toCharArray())));
      assertThat(get(alice.send(event("hi"), WAIT)).status()).isEqualTo(Status.OK);
      ServerHarness.Received r = server.received.poll(30, TimeUnit.SECONDS);
      assertThat(r.delivery().principal()).contains(Principal.of("alice", "writer"));

      EventClient mallory = server.client(Map.of(),
          Optional.of(new Credentials("alice", "guess".toCharArray())));
      Result refused = get(mallory.send(event("hi"), WAIT));
      assertThat(refused.status()).isEqualTo(Status.UNAVAILABLE);
      assertThat(refused.errorMessage()).hasValueSatisfying(m -> assertThat(m)
          .contains("AUTHENTICATION_FAILED").contains("unknown user or wrong password"));

      EventClient anonymous = server.client();
      Result required = get(anonymous.send(event("hi"), WAIT));
      assertThat(required.status()).isEqualTo(Status.UNAVAILABLE);
      assertThat(required.errorMessage()).hasValueSatisfying(m -> assertThat(m)
          .contains("AUTHENTICATION_REQUIRED"));
    }
  }

  @Test
  void aClientPinningTheFingerprintConnectsAndAWrongPinIsRefused() throws Exception {
    Path elsewhere = dir.resolve("client-side");
    try (ServerHarness server = ServerHarness.echo(dir, Map.of())) {
      String fingerprint = dev.sluice.security.tls.CertificateFingerprint.sha256(
          (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificate(java.nio.file.Files.newInputStream(
                  dir.resolve("tls/dev-cert.pem"))));
      ServerHarness clientSide = server.clientsElsewhere(elsewhere, Map.of());
      EventClient pinned = clientSide.client(Map.of("pinned-sha256", fingerprint),
          Optional.empty());
      assertThat(get(pinned.send(event("pinned"), WAIT)).status()).isEqualTo(Status.OK);

      EventClient unpinned = clientSide.client(Map.of(), Optional.empty());
      Result untrusted = get(unpinned.send(event("untrusted"), WAIT));
      assertThat(untrusted.status()).isEqualTo(Status.UNAVAILABLE);

      EventClient wrong = clientSide.client(Map.of("pinned-sha256", "00".repeat(32)),
          Optional.empty());
      Result refused = get(wrong.send(event("wrong"), WAIT));
      assertThat(refused.status()).isEqualTo(Status.UNAVAILABLE);
    }
  }

  @Test
  void aConnectionWithTooManyRequestsInProcessingStopsBeingReadUntilHalfAreAnswered()
      throws Exception {
    try (ServerHarness server = ServerHarness.holding(dir,
        Map.of("max-in-flight-per-connection", 8))) {
      EventClient client = server.client(Map.of("connections", 1), Optional.empty());
      List<CompletableFuture<Result>> results = new ArrayList<>();
      String payload = "x".repeat(4096);
      for (int i = 0; i < 200; i++) {
        results.add(client.send(event(payload + i), WAIT).toCompletableFuture());
      }
      await().atMost(WAIT).until(() -> server.received.size() >= 8);
      // Reading stopped at the limit: the rest of the read under way is held, not handed on
      await().during(Duration.ofMillis(500)).atMost(WAIT)
          .until(() -> server.received.size() == 8);
      Set<String> answered = new HashSet<>();
      while (answered.size() < 200) {
        ServerHarness.Received r = server.received.poll(30, TimeUnit.SECONDS);
        assertThat(r).as("event %d of 200 reached the server", answered.size() + 1).isNotNull();
        answered.add(r.event().id());
        r.result().complete(Result.ok(r.event().id(), r.event().data(), "text/plain"));
      }
      for (CompletableFuture<Result> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
      }
    }
  }

  @Test
  void pausingTheSourceStopsIntakeAndResumingDeliversEverything() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of())) {
      EventClient client = server.client(Map.of("connections", 1), Optional.empty());
      assertThat(get(client.send(event("warm"), WAIT)).status()).isEqualTo(Status.OK);
      server.received.clear();
      server.source.pause();
      List<CompletableFuture<Result>> results = new ArrayList<>();
      String payload = "x".repeat(4096);
      for (int i = 0; i < 50; i++) {
        results.add(client.send(event(payload + i), WAIT).toCompletableFuture());
      }
      // The pause reaches the connection's event loop as a task, but every event read after
      // pause() returned is held until resume(), however the reads fall
      await().during(Duration.ofMillis(500)).atMost(WAIT)
          .until(() -> server.received.isEmpty());
      server.source.resume();
      for (CompletableFuture<Result> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
      }
    }
  }

  @Test
  void theJdkTlsEngineServesAsWellAsOpenSsl() throws Exception {
    try (ServerHarness server = ServerHarness.echo(dir, Map.of("engine", "jdk"))) {
      EventClient client = server.client();
      assertThat(get(client.send(event("via jdk"), WAIT)).dataAsString()).isEqualTo("via jdk");
    }
  }

  @Test
  void aCertificateFromPemFilesOrAPkcs12KeystoreIsServedAndTrustedThroughTheCaFile()
      throws Exception {
    TestCertificates ca = TestCertificates.authority(dir.resolve("ca"), "ca");
    TestCertificates.Issued issued = ca.server(dir.resolve("server"), "server");
    Path p12 = dir.resolve("server/server.p12");
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", issued.key(), "pw".toCharArray(),
        new java.security.cert.Certificate[] {issued.certificate(), ca.ca().certificate()});
    try (var out = java.nio.file.Files.newOutputStream(p12)) {
      store.store(out, "pw".toCharArray());
    }
    TestCertificates stranger = TestCertificates.authority(dir.resolve("stranger"), "stranger");
    List<Map<String, Object>> configurations = List.of(
        Map.of("cert-file", issued.certFile().toString(), "key-file",
            issued.keyFile().toString()),
        Map.of("keystore", p12.toString(), "keystore-password", "pw"));
    for (int i = 0; i < configurations.size(); i++) {
      Map<String, Object> tls = configurations.get(i);
      Path data = dir.resolve("data-" + i);
      try (ServerHarness server = ServerHarness.echo(data, Map.of("tls", tls))) {
        ServerHarness clientSide = server.clientsElsewhere(dir.resolve("client-side"),
            Map.of());
        EventClient trusting = clientSide.client(
            Map.of("ca-file", ca.ca().certFile().toString()), Optional.empty());
        assertThat(get(trusting.send(event("signed"), WAIT)).dataAsString()).as("%s", tls)
            .isEqualTo("signed");
        EventClient other = clientSide.client(
            Map.of("ca-file", stranger.ca().certFile().toString()), Optional.empty());
        assertThat(get(other.send(event("unsigned"), WAIT)).status()).as("%s", tls)
            .isEqualTo(Status.UNAVAILABLE);
        assertThat(java.nio.file.Files.exists(data.resolve("tls/dev-cert.pem")))
            .as("no development certificate when one is given").isFalse();
      }
    }
  }

  @Test
  void aTrustedClientCertificateAuthenticatesTheCaller() throws Exception {
    var clientCert = dev.sluice.security.tls.internal.DevCertificate.loadOrCreate(
        dir.resolve("client-identity"));
    Authenticator byCertificate = new Authenticator() {
      @Override
      public boolean required() {
        return true;
      }

      @Override
      public CompletionStage<Principal> login(String user, char[] password, String remote) {
        return CompletableFuture.failedFuture(new AuthenticationException("no passwords"));
      }

      @Override
      public Principal certificate(X509Certificate[] chain) {
        return Principal.of("cert:" + chain[0].getSubjectX500Principal().getName(), "device");
      }
    };
    Map<String, Object> tls = Map.of("client-auth", "require",
        "trust-file", clientCert.certFile().toString());
    try (ServerHarness server = new ServerHarness(dir, Map.of("tls", tls), byCertificate)
        .start()) {
      server.echo = true;
      EventClient withCert = server.client(Map.of("cert-file", clientCert.certFile().toString(),
          "key-file", clientCert.keyFile().toString()), Optional.empty());
      assertThat(get(withCert.send(event("mtls"), WAIT)).status()).isEqualTo(Status.OK);
      ServerHarness.Received r = server.received.poll(30, TimeUnit.SECONDS);
      assertThat(r.delivery().principal()).hasValueSatisfying(p -> {
        assertThat(p.name()).startsWith("cert:").contains("CN=localhost");
        assertThat(p.roles()).containsExactly("device");
      });

      EventClient withoutCert = server.client();
      assertThat(get(withoutCert.send(event("no cert"), WAIT)).status())
          .isEqualTo(Status.UNAVAILABLE);
    }
  }
}
