package dev.sluice.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of docs/protocol.md, read from that file: each decodes to the frame the
 * page describes and re-encodes to the same bytes.
 */
class ProtocolVectorsTest {
  private static final Pattern VECTOR =
      Pattern.compile("<!-- vector: (\\w+) -->\\s*```\\s*\\n([0-9a-f \\n]+?)```");
  private static final Limits LIMITS = new Limits(1 << 20, 4096, 40);
  private static Map<String, byte[]> vectors;

  @BeforeAll
  static void readTheProtocolPage() throws IOException {
    Path page = Path.of("..", "docs", "protocol.md");
    String text = Files.readString(page, StandardCharsets.UTF_8);
    vectors = new LinkedHashMap<>();
    Matcher m = VECTOR.matcher(text);
    while (m.find()) {
      vectors.put(m.group(1), HexFormat.of().parseHex(m.group(2).replaceAll("\\s", "")));
    }
    assertThat(vectors).containsOnlyKeys("hello", "welcome", "event", "result", "error");
  }

  private static Frame decode(String name) {
    ByteBuf wire = Unpooled.wrappedBuffer(vectors.get(name));
    assertThat(wire.readUnsignedInt()).as("%s length field", name)
        .isEqualTo(wire.readableBytes());
    return FrameCodec.decode(wire, LIMITS);
  }

  private static void assertReencodes(String name, Frame frame) {
    ByteBuf out = Unpooled.buffer();
    FrameCodec.encode(frame, out);
    assertThat(HexFormat.of().formatHex(ByteBufUtil.getBytes(out)))
        .as("%s re-encoded", name).isEqualTo(HexFormat.of().formatHex(vectors.get(name)));
    out.release();
  }

  @Test
  void hello() {
    Frame f = decode("hello");
    assertThat(f).isEqualTo(new Frame.Hello(1, 1, Frame.Auth.PASSWORD, "alice", "s3cret"));
    assertReencodes("hello", f);
  }

  @Test
  void welcome() {
    Frame f = decode("welcome");
    assertThat(f).isEqualTo(new Frame.Welcome(1, 60_000, 1_048_576, "alice", "sluice"));
    assertReencodes("welcome", f);
  }

  @Test
  void eventAndItsResult() {
    Frame.EventFrame e = (Frame.EventFrame) decode("event");
    assertThat(e.correlationId()).isEqualTo(1);
    assertThat(e.timeoutMillis()).isEqualTo(30_000);
    Event event = EventMapping.toEvent(e);
    assertThat(event).isEqualTo(Event.builder().id("42").source("/orders/web")
        .type("orders.created").data("{\"total\":12}", "application/json")
        .partitionKey("customer-7").build());
    assertReencodes("event", e);
    assertReencodes("event", EventMapping.toFrame(1, 30_000, event));

    Frame.ResultFrame r = (Frame.ResultFrame) decode("result");
    assertThat(r.correlationId()).isEqualTo(e.correlationId());
    Result result = EventMapping.toResult(r);
    assertThat(result).isEqualTo(Result.ok("42", "{\"accepted\":true}", "application/json"));
    assertThat(result.status()).isEqualTo(Status.OK);
    assertReencodes("result", r);
    assertReencodes("result", EventMapping.toFrame(1, result));
  }

  @Test
  void error() {
    Frame f = decode("error");
    assertThat(f).isEqualTo(new Frame.ErrorFrame(2, ErrorCode.TOO_LARGE, "frame of 2000000 "
        + "bytes is over the limit of 1048576 bytes (max-frame-bytes); send less data or raise "
        + "the server's limit"));
    assertReencodes("error", f);
  }

  @Test
  void everyFrameTypeRoundTrips() {
    for (Frame f : List.of(new Frame.Ping(-1L), new Frame.Pong(42L),
        new Frame.GoAway(7, "bye"), new Frame.ResultFrame(9, Status.UNAVAILABLE, "", null,
            "SHUTTING_DOWN", "stopping", new byte[0]))) {
      ByteBuf out = Unpooled.buffer();
      FrameCodec.encode(f, out);
      out.skipBytes(4);
      assertThat(FrameCodec.decode(out, LIMITS)).isEqualTo(f);
      out.release();
    }
  }
}
