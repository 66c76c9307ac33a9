package dev.sluice.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.config.MergeMode;
import dev.sluice.config.Ordering;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.internal.logging.EventMdc;
import dev.sluice.spi.EventProcessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A worker does not touch the MDC per event; with Logback, every log line written while it
 * processes an event still carries the event's id and type, whichever logger writes it.
 */
class WorkerMdcTest {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger own = (Logger) LoggerFactory.getLogger("test.worker-mdc.own-logger");
  private Dispatcher dispatcher;

  @BeforeEach
  void attach() {
    appender.start();
    own.addAppender(appender);
  }

  @AfterEach
  void detach() {
    own.detachAppender(appender);
    if (dispatcher != null) {
      dispatcher.drain(Duration.ofSeconds(5));
    }
  }

  private Dispatcher start() {
    // a processor that logs through a logger of its own, not the context's
    EventProcessor logging = (e, c) -> {
      own.info("processing {}", e.data().length);
      return Result.ok(e.id());
    };
    LaneSpec spec = new LaneSpec("logging", logging, 2, 1024, Duration.ofSeconds(30),
        Ordering.NONE, new SharedProcessorContext("logging", null,
            LoggerFactory.getLogger("logging"), new SimpleMeterRegistry(),
            e -> CompletableFuture.completedFuture(null), Optional.empty(), Optional.empty(),
            Optional.empty()));
    dispatcher = new Dispatcher(List.of(spec),
        List.of(new RoutePlan("test.*", List.of("logging"), MergeMode.ALL,
            Duration.ofSeconds(30))), new SimpleMeterRegistry());
    dispatcher.start();
    return dispatcher;
  }

  private void sendAll(Dispatcher d, int count, String prefix) throws Exception {
    CompletableFuture<?>[] all = new CompletableFuture<?>[count];
    for (int i = 0; i < count; i++) {
      Event event = Event.builder().id(prefix + i).source("/test").type("test.t" + (i % 3))
          .data("x", "text/plain").build();
      all[i] = d.submit(event, Instant.now().plusSeconds(30));
    }
    CompletableFuture.allOf(all).get(10, TimeUnit.SECONDS);
    for (CompletableFuture<?> f : all) {
      assertThat(((Result) f.get()).isOk()).as("answer %s", f.get()).isTrue();
    }
  }

  @Test
  void everyLineLoggedWhileProcessingCarriesThatEventsIdAndTypeAndNoOtherLineDoes()
      throws Exception {
    assertThat(EventMdc.lazy()).as("Logback is the provider in tests").isTrue();
    Dispatcher d = start();

    sendAll(d, 200, "e-");
    own.info("from the test thread");

    List<ILoggingEvent> lines = appender.list;
    assertThat(lines).hasSize(201);
    for (ILoggingEvent line : lines.subList(0, 200)) {
      String id = line.getMDCPropertyMap().get("event.id");
      assertThat(id).as("line %s", line).startsWith("e-");
      int n = Integer.parseInt(id.substring(2));
      assertThat(line.getMDCPropertyMap()).containsEntry("event.type", "test.t" + (n % 3));
    }
    assertThat(lines.subList(0, 200).stream().map(l -> l.getMDCPropertyMap().get("event.id"))
        .distinct())
        .hasSize(200);
    assertThat(lines.get(200).getMDCPropertyMap()).doesNotContainKeys("event.id", "event.type");
  }

  @Test
  void theKeysSurviveALogbackReconfiguration() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Dispatcher d = start();
    sendAll(d, 5, "before-");

    context.reset(); // what a reload of logback.xml does first: turbo filters are removed
    new ContextInitializer(context).autoConfig();
    appender.start(); // the reset stopped and detached it
    own.addAppender(appender);
    appender.list.clear();
    sendAll(d, 5, "after-");

    assertThat(appender.list).hasSize(5);
    assertThat(appender.list).allSatisfy(line ->
        assertThat(line.getMDCPropertyMap().get("event.id")).startsWith("after-"));
  }
}
