package dev.sluice.transport.rabbitmq;

import com.google.inject.multibindings.MapBinder;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.ProcessingException;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import dev.sluice.transport.rabbitmq.internal.QueueConsumerSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Servers for the integration tests: the RabbitMQ transport with the fixture's settings and a
 * few processors whose calls the test can count and hold. Each server gets its own transport
 * instance, so the test can reach the source it created.
 */
final class RabbitServers {
  /** Echoes the data back. */
  static final String ECHO = "test.echo";
  /** Fails with ProcessingException code BROKEN. */
  static final String FAIL = "test.fail";
  /** Counts, and waits for the hold latch when it is closed. */
  static final String HOLD = "test.hold";
  /** Emits a follow-on event of type FAIL with the same data, and answers once it is accepted. */
  static final String RELAY = "test.relay";
  /** The hold processor in a lane of one worker and a queue of one. */
  static final String TIGHT = "test.tight";

  /** Fails with a retryable ProcessingException while {@link #flaky} is set; 3 attempts. */
  static final String FLAKY = "test.flaky";
  /** Like FLAKY, one attempt, behind a breaker that opens after 2 failures for 8 s. */
  static final String BREAKER = "test.breaker";

  final AtomicInteger flakyCalls = new AtomicInteger();
  final AtomicInteger breakerCalls = new AtomicInteger();
  volatile boolean flaky = true;
  final AtomicInteger holdCalls = new AtomicInteger();
  final AtomicInteger failCalls = new AtomicInteger();
  final List<String> holdIds = new CopyOnWriteArrayList<>();
  volatile CountDownLatch hold = new CountDownLatch(0);

  private RabbitServers() {
  }

  static RabbitServers processors() {
    return new RabbitServers();
  }

  /** Builds and starts a server; {@code store} may be null for the in-memory one. */
  Started start(RabbitFixture fixture, Path directory, String name, EventStore store)
      throws Exception {
    RecordingTransport transport = new RecordingTransport();
    Plugins plugins = Plugins.of(processorPlugin(), new SluicePlugin() {
      @Override
      protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, Transport.class)
            .addBinding(RabbitMqTransport.NAME).toInstance(transport);
      }
    });
    SluiceServer.Builder builder = SluiceServer.builder(config(fixture, name)).plugins(plugins)
        .baseDirectory(directory);
    if (store != null) {
      builder.store(store);
    }
    SluiceServer server = builder.build();
    server.start();
    return new Started(server, transport.source, plugins);
  }

  private SluicePlugin processorPlugin() {
    RabbitServers self = this;
    return new SluicePlugin() {
      @Override
      protected void configure() {
        processor("echo", (EventProcessor) (event, context) -> Result.ok(event.id(),
            event.data(), event.dataContentType().orElse(null)));
        processor("fail", (EventProcessor) (event, context) -> {
          self.failCalls.incrementAndGet();
          throw new ProcessingException("BROKEN", "the test processor always fails");
        });
        EventProcessor flaky = (event, context) -> {
          (event.type().equals(FLAKY) ? self.flakyCalls : self.breakerCalls).incrementAndGet();
          if (self.flaky) {
            throw ProcessingException.retryable("FLAKY", "the test processor is failing");
          }
          return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
        };
        processor("flaky", flaky);
        processor("relay", (EventProcessor) (event, context) -> {
          Event next = event(FAIL, event.dataAsString());
          try {
            context.emit(next).toCompletableFuture().get(30, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException e) {
            throw new ProcessingException("NOT_EMITTED", e.getCause().getMessage());
          }
          return Result.ok(event.id(), next.id(), "text/plain");
        });
        processor("hold", (EventProcessor) (event, context) -> {
          self.holdCalls.incrementAndGet();
          self.holdIds.add(event.id());
          if (!self.hold.await(60, TimeUnit.SECONDS)) {
            return Result.error(event.id(), "HELD_TOO_LONG", "the test never released it");
          }
          return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
        });
      }
    };
  }

  private static SluiceConfig config(RabbitFixture fixture, String name) {
    DumperOptions flow = new DumperOptions();
    flow.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
    flow.setWidth(Integer.MAX_VALUE);
    String settings = new Yaml(flow).dump(fixture.settings()).trim();
    return SluiceConfig.parse("""
        server:
          name: %s
          drain-timeout: 10s
        transport:
          type: rabbitmq
          rabbitmq: %s
        processors:
          - {name: echo, processor: echo, types: [%s], concurrency: 8, queue-capacity: 4096}
          - {name: fail, processor: fail, types: [%s], concurrency: 2}
          - {name: relay, processor: relay, types: [%s], concurrency: 2}
          - {name: hold, processor: hold, types: [%s], concurrency: 8, queue-capacity: 512,
             timeout: 90s}
          - {name: tight, processor: hold, types: [%s], concurrency: 1, queue-capacity: 1,
             timeout: 90s}
          - {name: flaky, processor: flaky, types: [%s], concurrency: 2,
             retry: {max-attempts: 3, initial-backoff: 10ms, max-backoff: 50ms}}
          - {name: breaker, processor: flaky, types: [%s], concurrency: 2,
             retry: {max-attempts: 1},
             circuit-breaker: {minimum-calls: 2, sliding-window: 2, wait-in-open: 8s}}
        """.formatted(name, settings, ECHO, FAIL, RELAY, HOLD, TIGHT, FLAKY, BREAKER),
        "test " + name);
  }

  static Event event(String type, String data) {
    return Event.builder().id("e-" + java.util.UUID.randomUUID()).source("/test/rabbitmq")
        .type(type).data(data, "text/plain").build();
  }

  /** A started server and the source its transport created. */
  record Started(SluiceServer server, QueueConsumerSource source, Plugins plugins)
      implements AutoCloseable {
    @Override
    public void close() {
      server.stop(java.time.Duration.ofSeconds(5));
      plugins.close();
    }
  }

  /** The real transport, remembering the source it creates. */
  private static final class RecordingTransport implements Transport {
    private final RabbitMqTransport delegate = new RabbitMqTransport();
    volatile QueueConsumerSource source;

    @Override
    public RabbitMqSource createSource(TransportContext context) {
      RabbitMqSource s = delegate.createSource(context);
      source = (QueueConsumerSource) s;
      return s;
    }

    @Override
    public dev.sluice.spi.EventClient createClient(TransportContext context) {
      return delegate.createClient(context);
    }
  }

  static Map<String, Object> none() {
    return Map.of();
  }
}
