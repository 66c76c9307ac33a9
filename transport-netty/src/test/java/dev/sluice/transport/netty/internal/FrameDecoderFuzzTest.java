package dev.sluice.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fuzzes the frame decoder with Jazzer: arbitrary bytes, cut into arbitrary chunks, must only
 * ever produce frames or a {@link ProtocolException}, never another exception, a hang or a
 * leaked buffer. A decoded frame must re-encode and decode to itself.
 *
 * <p>Leaks: Netty's paranoid leak detection tracks every buffer, and its reports fail the test
 * (they would otherwise only be logged): at each input, for what an earlier one leaked, and
 * after the run. {@link #theLeakCheckSeesALeak} first proves that the reports arrive. Every
 * input buffer must also be released when the channel finishes.
 *
 * <p>Seeds: {@code FrameDecoderFuzzTestInputs/} under the test resources holds the protocol's
 * test vectors (docs/protocol.md) as whole sessions, a frame cut in the middle and an
 * oversized length; without {@code JAZZER_FUZZ} the test replays only them. It runs for
 * {@code fuzz.duration} (15 s) in every build, in a JVM of its own; for a long run:
 * {@code mvn -pl transport-netty test-compile surefire:test@fuzz -Dfuzz.duration=30m}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FrameDecoderFuzzTest {
  private static final Limits LIMITS = new Limits(4096, 256, 12);
  /** Leak reports of Netty's detectors, as "type: records". */
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    // before the first buffer class is initialized: its detector comes from this factory
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
      @Override
      public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource,
          int samplingInterval, long maxActive) {
        ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
        detector.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
        return detector;
      }
    });
  }

  @Test
  @Order(1)
  void theLeakCheckSeesALeak() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
    leaked.writeLong(42); // never released: the detector reports it once it is collected
    leaked = null;
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      collectAndPoll();
      return !LEAKS.isEmpty();
    });
    LEAKS.clear();
  }

  @FuzzTest(maxDuration = "15s")
  @Order(2)
  void decoderOnlyYieldsFramesOrProtocolErrors(FuzzedDataProvider data) {
    assertThat(LEAKS).as("buffers leaked by an earlier input").isEmpty();
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

  @AfterAll
  static void nothingLeaked() {
    for (int i = 0; i < 5; i++) {
      collectAndPoll();
    }
    assertThat(LEAKS).as("buffers leaked while fuzzing").isEmpty();
  }

  /** Collects garbage, then allocates: the detector looks for collected buffers as it tracks. */
  private static void collectAndPoll() {
    System.gc();
    for (int i = 0; i < 64; i++) {
      PooledByteBufAllocator.DEFAULT.buffer(8).release();
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
