package dev.sluice.transport.netty;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.testkit.TransportConformanceTest;
import dev.sluice.testkit.TransportFixture;
import dev.sluice.transport.netty.internal.EventMapping;
import dev.sluice.transport.netty.internal.Frame;
import dev.sluice.transport.netty.internal.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The netty transport, over TLS with the development certificate, passes the whole suite. */
class NettyTransportConformanceTest extends TransportConformanceTest {
  static final int MAX_FRAME_BYTES = 64 * 1024;

  @Override
  protected TransportFixture fixture() throws IOException {
    return new NettyFixture(freePort());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The exact size of the frame carrying {@code event}, without the 4-byte length field. */
  static int frameLength(Event event) {
    ByteBuf buf = Unpooled.buffer();
    try {
      FrameCodec.encode(EventMapping.toFrame(1, 1000, event), buf);
      return buf.readableBytes() - 4;
    } finally {
      buf.release();
    }
  }

  private record NettyFixture(int port) implements TransportFixture {
    @Override
    public String type() {
      return NettyTransport.NAME;
    }

    @Override
    public Map<String, Object> settings() {
      return Map.of("host", "127.0.0.1", "port", port, "max-frame-bytes", MAX_FRAME_BYTES);
    }

    @Override
    public List<SluicePlugin> plugins() {
      return List.of(new NettyPlugin());
    }

    @Override
    public int maxEventBytes() {
      return MAX_FRAME_BYTES;
    }

    /** The frame length counts every byte after the length field, data included. */
    @Override
    public int maxDataBytes(Event withoutData) {
      return MAX_FRAME_BYTES - frameLength(withoutData);
    }

    /** The message's attributes in name order, as an EVENT frame on a bare TLS connection. */
    @Override
    public CompletionStage<Result> sendRaw(Map<String, Object> message, Duration timeout) {
      return CompletableFuture.supplyAsync(() -> {
        try (RawClient raw = RawClient.tls(port)) {
          raw.handshake();
          List<String> attributes = new ArrayList<>();
          byte[] data = new byte[0];
          for (Map.Entry<String, Object> e : new TreeMap<>(message).entrySet()) {
            if (e.getKey().equals("data")) {
              data = (byte[]) e.getValue();
            } else {
              attributes.add(e.getKey());
              attributes.add(String.valueOf(e.getValue()));
            }
          }
          raw.send(new Frame.EventFrame(7, timeout.toMillis(), attributes, data));
          Frame answer = raw.next(timeout);
          Object id = message.getOrDefault("id", "");
          if (answer instanceof Frame.ResultFrame r) {
            return EventMapping.toResult(r);
          }
          return Result.failure(String.valueOf(id), Status.TIMEOUT, "NO_ANSWER",
              "the server answered " + answer);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }
  }
}
