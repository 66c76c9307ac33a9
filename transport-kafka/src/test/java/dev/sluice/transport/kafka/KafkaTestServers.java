package dev.sluice.transport.kafka;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceServer;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import dev.sluice.spi.EventGuard;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.EventStore;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.spi.Transport;
import dev.sluice.spi.TransportContext;
import dev.sluice.transport.kafka.internal.KafkaSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Servers over the Kafka transport for tests: one processor ({@code apply}, for every type), the
 * given settings, and optionally a store and a guard shared with other servers in the JVM. The
 * transport is bound as {@code kafka-test}, which is the Kafka transport remembering its sources
 * so that a test can {@link KafkaSource#abort() abort} one as a crash would.
 */
final class KafkaTestServers {
  private static final Map<String, KafkaSource> SOURCES = new ConcurrentHashMap<>();

  private KafkaTestServers() {
  }

  /** The Kafka transport, remembering each source by server name. */
  public static final class RecordingKafkaTransport implements Transport {
    private final KafkaTransport delegate = new KafkaTransport();

    @Override
    public EventSource createSource(TransportContext context) {
      KafkaSource source = (KafkaSource) delegate.createSource(context);
      SOURCES.put(context.serverName(), source);
      return source;
    }

    @Override
    public dev.sluice.spi.EventClient createClient(TransportContext context) {
      return delegate.createClient(context);
    }
  }

  static KafkaSource source(String serverName) {
    return SOURCES.get(serverName);
  }

  static SluiceServer start(String name, Map<String, Object> settings, EventProcessor processor,
      int concurrency, Path directory, EventStore store, EventGuard guard) throws Exception {
    return start(name, settings, processor, concurrency, directory, store, guard, List.of());
  }

  /**
   * A server whose processor has {@code processorKeys} besides the usual ones, such as
   * {@code "retry: {max-attempts: 3}"}.
   */
  static SluiceServer start(String name, Map<String, Object> settings, EventProcessor processor,
      int concurrency, Path directory, EventStore store, EventGuard guard,
      List<String> processorKeys) throws Exception {
    SluicePlugin plugin = new SluicePlugin() {
      @Override
      protected void configure() {
        processor("apply", processor);
        transport("kafka-test", RecordingKafkaTransport.class);
      }
    };
    SluiceServer.Builder builder = SluiceServer.builder(config(name, settings, concurrency,
        processorKeys))
        .plugins(Plugins.of(plugin)).baseDirectory(directory);
    if (store != null) {
      builder.store(store);
    }
    if (guard != null) {
      builder.guard(guard);
    }
    SluiceServer server = builder.build();
    server.start();
    return server;
  }

  /** A client of the same settings, without a server. */
  static EventClient client(Map<String, Object> settings) {
    return new KafkaTransport().createClient(new TransportContext() {
      @Override
      public String serverName() {
        return "client";
      }

      @Override
      public dev.sluice.config.Settings settings() {
        return dev.sluice.config.Settings.of(settings);
      }

      @Override
      public Path dataDirectory() {
        return Path.of("data");
      }

      @Override
      public io.micrometer.core.instrument.MeterRegistry metrics() {
        return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      }
    });
  }

  private static SluiceConfig config(String name, Map<String, Object> settings,
      int concurrency, List<String> processorKeys) {
    DumperOptions flow = new DumperOptions();
    flow.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
    flow.setWidth(Integer.MAX_VALUE);
    String yaml = """
        server:
          name: %s
          drain-timeout: 20s
        transport:
          type: kafka-test
          kafka-test: %s
        processors:
          - name: apply
            processor: apply
            types: ['*']
            concurrency: %d
            queue-capacity: 10000
            timeout: 60s
        """.formatted(name, new Yaml(flow).dump(settings).trim(), concurrency)
        + processorKeys.stream().map(k -> "    " + k + "\n").collect(Collectors.joining());
    return SluiceConfig.parse(yaml, "test of " + name);
  }
}
