package dev.sluice.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the frame decoder with Jazzer: arbitrary bytes, cut into arbitrary chunks, must only
 * ever produce frames or a {@link ProtocolException}, never another exception, a hang or a
 * leaked buffer (Netty's paranoid leak detection is on, and every input buffer must be released
 * when the channel finishes). A decoded frame must re-encode and decode to itself.
 *
 * <p>Runs for {@code fuzz.duration} (15 s) in every build; for a long run:
 * {@code mvn -pl transport-netty verify -Dtest=FrameDecoderFuzzTest -Dfuzz.duration=30m}.
 */
class FrameDecoderFuzzTest {
  private static final Limits LIMITS = new Limits(4096, 256, 12);

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @FuzzTest(maxDuration = "15s")
  void decoderOnlyYieldsFramesOrProtocolErrors(FuzzedDataProvider data) {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(LIMITS));
    List<ByteBuf> inputs = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        byte[] chunk = data.consumeBytes(data.consumeInt(1, 512));
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(chunk.length).writeBytes(chunk);
        inputs.add(buf);
        try {
          channel.writeInbound(buf);
        } catch (DecoderException e) {
          if (!(e.getCause() instanceof ProtocolException)) {
            throw e;
          }
        }
        Object frame;
        while ((frame = channel.readInbound()) != null) {
          assertRoundTrips((Frame) frame);
        }
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    for (ByteBuf in : inputs) {
      assertThat(in.refCnt()).as("input buffer released").isZero();
    }
  }

  private static void assertRoundTrips(Frame frame) {
    ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer();
    try {
      FrameCodec.encode(frame, out);
      out.skipBytes(4);
      assertThat(FrameCodec.decode(out, LIMITS)).isEqualTo(frame);
    } finally {
      out.release();
    }
  }
}
