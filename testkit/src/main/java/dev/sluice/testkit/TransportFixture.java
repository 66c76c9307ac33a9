package dev.sluice.testkit;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.SluicePlugin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What {@link TransportConformanceTest} needs from a transport: how to configure it, its size
 * limit, and a way to put raw, unvalidated input on its wire. One fixture serves one test; the
 * suite asks for a new one before every test and closes it after.
 *
 * <pre>{@code
 * final class NettyConformanceTest extends TransportConformanceTest {
 *   protected TransportFixture fixture() {
 *     return new NettyFixture(freePort());    // settings unique to this test
 *   }
 * }
 * }</pre>
 */
public interface TransportFixture extends AutoCloseable {

  /** The transport's {@code transport.type}, e.g. {@code netty}. */
  String type();

  /**
   * The {@code transport.<type>} section, as YAML would bind it (maps, lists, strings, numbers,
   * booleans; keys in kebab-case). Server and clients both use it, so it must name a place no
   * other test uses (an address, a port, a queue or topic name).
   */
  Map<String, Object> settings();

  /**
   * The plugins that bind this transport. Empty for a transport the engine always has.
   * Processors for the suite are added by the suite.
   */
  default List<SluicePlugin> plugins() {
    return List.of();
  }

  /** The largest event, in bytes, that the {@link #settings()} let the server accept. */
  int maxEventBytes();

  /**
   * How many bytes of data an event with these attributes can carry and still be exactly at
   * {@link #maxEventBytes()} as this transport measures it; one more byte must be refused.
   */
  int maxDataBytes(Event withoutData);

  /**
   * Sends a raw message as a buggy or hostile client would, without the client's validation:
   * CloudEvents attribute names to values, {@code data} as {@code byte[]}, mapped onto the wire
   * as this transport's binding maps a real event. The message may lack required attributes or
   * carry invalid values. The stage completes with the server's answer, or {@code TIMEOUT}.
   */
  CompletionStage<Result> sendRaw(Map<String, Object> message, Duration timeout);

  /** Releases what the fixture opened (connections, topics, queues). */
  @Override
  default void close() throws Exception {
  }
}
