package dev.sluice.testkit.memory;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.memory.InMemoryTransport;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.testkit.TransportConformanceTest;
import dev.sluice.testkit.TransportFixture;
import dev.sluice.testkit.internal.UniqueNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The reference: the in-memory transport passes the whole conformance suite. In its own package,
 * as a transport module would be.
 */
class InMemoryTransportConformanceTest extends TransportConformanceTest {
  private static final int MAX_EVENT_BYTES = 64 * 1024;

  @Override
  protected TransportFixture fixture() {
    return new InMemoryFixture(UniqueNames.next("conformance-"));
  }

  private record InMemoryFixture(String address) implements TransportFixture {
    @Override
    public String type() {
      return InMemoryTransport.NAME;
    }

    @Override
    public Map<String, Object> settings() {
      return Map.of("address", address, "max-event-bytes", MAX_EVENT_BYTES);
    }

    @Override
    public List<SluicePlugin> plugins() {
      return List.of(); // the engine binds the memory transport itself
    }

    @Override
    public int maxEventBytes() {
      return MAX_EVENT_BYTES;
    }

    /**
     * The memory transport measures an event as the UTF-8 length of every attribute's name and
     * value, plus the data (whose name, "data", counts too).
     */
    @Override
    public int maxDataBytes(Event withoutData) {
      int size = attribute("id", withoutData.id()) + attribute("source", withoutData.source())
          + attribute("type", withoutData.type())
          + attribute("specversion", withoutData.specVersion())
          + withoutData.subject().map(v -> attribute("subject", v)).orElse(0)
          + withoutData.time().map(v -> attribute("time", v.toString())).orElse(0)
          + withoutData.dataContentType().map(v -> attribute("datacontenttype", v)).orElse(0)
          + withoutData.dataSchema().map(v -> attribute("dataschema", v)).orElse(0)
          + withoutData.extensions().entrySet().stream()
              .mapToInt(e -> attribute(e.getKey(), e.getValue())).sum()
          + "data".length();
      return MAX_EVENT_BYTES - size;
    }

    @Override
    public CompletionStage<Result> sendRaw(Map<String, Object> message, Duration timeout) {
      return InMemoryTransport.sendRaw(address, message, timeout);
    }

    private static int attribute(String name, String value) {
      return name.length() + value.getBytes(StandardCharsets.UTF_8).length;
    }
  }
}
