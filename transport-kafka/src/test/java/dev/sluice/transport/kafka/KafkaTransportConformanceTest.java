package dev.sluice.transport.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.sluice.config.Settings;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.testkit.KafkaBroker;
import dev.sluice.testkit.TransportConformanceTest;
import dev.sluice.testkit.TransportFixture;
import dev.sluice.transport.kafka.internal.KafkaClient;
import dev.sluice.transport.kafka.internal.KafkaEventCodec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The Kafka transport passes the conformance suite against a real in-process broker. */
class KafkaTransportConformanceTest extends TransportConformanceTest {
  private static final int MAX_EVENT_BYTES = 64 * 1024;

  @Override
  protected TransportFixture fixture() {
    Map<String, Object> settings = new LinkedHashMap<>(
        KafkaTestSettings.of(KafkaBroker.shared(), KafkaTestSettings.unique("conformance-")));
    settings.put("max-event-bytes", MAX_EVENT_BYTES);
    return new KafkaFixture(settings);
  }

  private static final class KafkaFixture implements TransportFixture {
    private final Map<String, Object> settings;
    private final KafkaClient raw;

    KafkaFixture(Map<String, Object> settings) {
      this.settings = settings;
      this.raw = new KafkaClient(KafkaSettings.from(Settings.of(settings)));
    }

    @Override
    public String type() {
      return KafkaTransport.NAME;
    }

    @Override
    public Map<String, Object> settings() {
      return settings;
    }

    @Override
    public List<SluicePlugin> plugins() {
      return List.of(new KafkaTransportPlugin());
    }

    @Override
    public int maxEventBytes() {
      return MAX_EVENT_BYTES;
    }

    /** The value plus the names and values of the ce_ and content-type headers. */
    @Override
    public int maxDataBytes(Event withoutData) {
      return MAX_EVENT_BYTES - (int) KafkaEventCodec.size(withoutData);
    }

    /** Each attribute as its binary-mode header, data as the value, as any producer could. */
    @Override
    public CompletionStage<Result> sendRaw(Map<String, Object> message, Duration timeout) {
      RecordHeaders headers = new RecordHeaders();
      byte[] value = null;
      for (Map.Entry<String, Object> e : message.entrySet()) {
        if (e.getKey().equals("data")) {
          value = (byte[]) e.getValue();
        } else if (e.getKey().equals("datacontenttype")) {
          headers.add("content-type", String.valueOf(e.getValue()).getBytes(UTF_8));
        } else {
          headers.add("ce_" + e.getKey(), String.valueOf(e.getValue()).getBytes(UTF_8));
        }
      }
      Object id = message.get("id");
      return raw.sendRecord(id instanceof String s ? s : "", null, headers, value, timeout);
    }

    @Override
    public void close() {
      raw.close();
    }
  }
}
