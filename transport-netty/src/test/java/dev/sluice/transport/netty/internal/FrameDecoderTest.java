package dev.sluice.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frame decoder alone, in an {@link EmbeddedChannel}: no sockets, no clock. */
class FrameDecoderTest {
  private static final Limits LIMITS = new Limits(1024, 64, 10);

  private static ByteBuf encoded(Frame f) {
    ByteBuf b = Unpooled.buffer();
    FrameCodec.encode(f, b);
    return b;
  }

  private static Frame.EventFrame event(int id, byte[] data) {
    return new Frame.EventFrame(id, 1000, List.of("id", "e" + id, "source", "/s",
        "specversion", "1.0", "type", "t"), data);
  }

  @Test
  void decodesFramesSplitAtEveryByteAndCoalescedTogether() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMITS));
    ByteBuf two = Unpooled.buffer();
    two.writeBytes(encoded(event(1, new byte[] {1})));
    two.writeBytes(encoded(new Frame.Ping(5)));
    while (two.isReadable()) {
      ch.writeInbound(two.readRetainedSlice(1));
    }
    two.release();
    assertThat((Frame) ch.readInbound()).isEqualTo(event(1, new byte[] {1}));
    assertThat((Frame) ch.readInbound()).isEqualTo(new Frame.Ping(5));
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void rejectsFrameLongerThanLimitFromItsHeaderAlone() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMITS));
    ByteBuf header = Unpooled.buffer().writeInt(1025).writeByte(Frame.EVENT).writeByte(0)
        .writeInt(77);
    assertThatThrownBy(() -> ch.writeInbound(header)).isInstanceOf(DecoderException.class)
        .cause().isInstanceOfSatisfying(ProtocolException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
          assertThat(e.correlationId()).isEqualTo(77);
          assertThat(e.getMessage()).contains("1025 bytes is over the limit of 1024");
        });
    // everything after a violation is discarded, and nothing leaks
    ch.writeInbound(encoded(new Frame.Ping(1)));
    assertThat((Object) ch.readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void acceptsFrameExactlyAtTheLimit() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMITS));
    int overhead = encoded(event(1, new byte[0])).readableBytes() - 4;
    ch.writeInbound(encoded(event(1, new byte[1024 - overhead])));
    Frame.EventFrame f = ch.readInbound();
    assertThat(f.data()).hasSize(1024 - overhead);
    ch.finishAndReleaseAll();
  }

  @Test
  void rejectsAttributeOverTheLimitNamingIt() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMITS));
    ByteBuf f = encoded(new Frame.EventFrame(3, 0, List.of("subject", "x".repeat(65)),
        new byte[0]));
    assertThatThrownBy(() -> ch.writeInbound(f)).cause()
        .isInstanceOfSatisfying(ProtocolException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.ATTRIBUTE_TOO_LARGE);
          assertThat(e.getMessage()).contains("'subject' is 65 bytes, over the limit of 64");
        });
    ch.finishAndReleaseAll();
  }

  @Test
  void decodesAttributeValuesOfEveryKindOfCharacterAndExtensionNames() {
    // ASCII of every length around the 8-byte steps of the ASCII check, then non-ASCII UTF-8
    // before, on and after such a step; extension names beside the CloudEvents ones
    List<String> values = List.of("", "a", "abcdefg", "abcdefgh", "abcdefghi",
        "0123456789abcdef0", "é", "abcdefgé", "abcdefghé", "naïve ☃ 日本 \uD83D\uDE00 done");
    for (String value : values) {
      Frame.EventFrame sent = new Frame.EventFrame(9, 0, List.of("id", "e9", "subject", value,
          "traceparent", value, "type", "t", "s3", "x"), new byte[0]);
      EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMITS));
      ch.writeInbound(encoded(sent));
      Frame.EventFrame got = ch.readInbound();
      assertThat(got).as(value).isEqualTo(sent);
      assertThat(got.attribute("subject")).isEqualTo(value);
      assertThat(got.attribute("traceparent")).isEqualTo(value);
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void valuesThatRepeatOnAConnectionAreMatchedAndThoseThatChangeAreDecoded() {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMITS));
    String[][] events = {{"/a", "orders.created"}, {"/a", "orders.created"},
        {"/b", "orders.created"}, {"/b", "orders.paid"}, {"/bb", "orders.paid"},
        {"/b\u00e9", "orders.paid"}, {"/b\u00e9", "orders.paid"}, {"/a", "orders.created"}};
    for (int i = 0; i < events.length; i++) {
      Frame.EventFrame sent = new Frame.EventFrame(i, 0, List.of("id", "e" + i, "source",
          events[i][0], "specversion", "1.0", "type", events[i][1]), new byte[0]);
      ch.writeInbound(encoded(sent));
      Frame.EventFrame got = ch.readInbound();
      assertThat(got).as("event %d", i).isEqualTo(sent);
    }
    // a value over the limit is refused whether or not an equal one came before
    ByteBuf tooLong = encoded(new Frame.EventFrame(99, 0, List.of("source", "s".repeat(65)),
        new byte[0]));
    assertThatThrownBy(() -> ch.writeInbound(tooLong)).cause()
        .isInstanceOfSatisfying(ProtocolException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.ATTRIBUTE_TOO_LARGE));
    ch.finishAndReleaseAll();
  }

  @Test
  void aRepeatedValueMatchesOnlyWhenEveryByteIsEqual() {
    for (int length = 0; length <= 27; length++) {
      byte[] expected = new byte[length];
      for (int i = 0; i < length; i++) {
        expected[i] = (byte) ('a' + i);
      }
      // heap and direct buffers, the value after three other bytes and before one
      ByteBuf body = (length % 2 == 0 ? Unpooled.buffer() : Unpooled.directBuffer())
          .writeBytes(new byte[] {9, 9, 9}).writeBytes(expected).writeByte(7);
      assertThat(FrameCodec.matches(body, 3, expected)).as("length %d", length).isTrue();
      for (int i = 0; i < length; i++) {
        body.setByte(3 + i, expected[i] ^ 0x20);
        assertThat(FrameCodec.matches(body, 3, expected))
            .as("length %d, byte %d differs", length, i).isFalse();
        body.setByte(3 + i, expected[i]);
      }
      body.release();
    }
  }

  @Test
  void rejectsMalformedUtf8AfterAnAsciiPrefixLongerThanEightBytes() {
    ByteBuf f = Unpooled.buffer();
    byte[] value = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', (byte) 0xC3};
    ByteBuf body = Unpooled.buffer().writeInt(0).writeShort(1).writeByte(7)
        .writeBytes("subject".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .writeShort(value.length).writeBytes(value).writeInt(0);
    f.writeInt(body.readableBytes() + 6).writeByte(Frame.EVENT).writeByte(0).writeInt(4)
        .writeBytes(body);
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMITS));
    assertThatThrownBy(() -> ch.writeInbound(f)).cause()
        .isInstanceOfSatisfying(ProtocolException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
          assertThat(e.getMessage()).contains("'subject' is not valid UTF-8");
        });
    ch.finishAndReleaseAll();
  }

  @Test
  void rejectsTruncatedFieldsTrailingBytesBadNamesAndFlags() {
    assertProtocolError(new byte[] {0, 0, 0, 6, 0x06, 0, 0, 0, 0, 0}, "ends before its ping");
    assertProtocolError(new byte[] {0, 0, 0, 7, 0x07, 0, 0, 0, 0, 0, 0}, "ends before");
    assertProtocolError(new byte[] {0, 0, 0, 15, 0x06, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
        9}, "1 bytes left over");
    assertProtocolError(new byte[] {0, 0, 0, 14, 0x06, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8},
        "flags must be 0");
    assertProtocolError(new byte[] {0, 0, 0, 16, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 'A',
        0, 0}, "lower-case ASCII");
    assertProtocolError(new byte[] {0, 0, 0, 9, 0x05, 0, 0, 0, 0, 0, 0, 1, 0},
        "ends before its message length");
    assertProtocolError(new byte[] {0, 0, 0, 10, 0x05, 0, 0, 0, 0, 0, 0, 1, 0, 2},
        "claims 2 bytes but only 0 are left");
    assertProtocolError(new byte[] {0, 0, 0, 11, 0x05, 0, 0, 0, 0, 0, 0, 1, 0, 1, (byte) 0xC3},
        "not valid UTF-8");
  }

  private static void assertProtocolError(byte[] bytes, String message) {
    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMITS));
    assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes))).cause()
        .isInstanceOfSatisfying(ProtocolException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
          assertThat(e.getMessage()).contains(message);
        });
    ch.finishAndReleaseAll();
  }
}
