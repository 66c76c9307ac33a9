package dev.sluice.benchmarks;

import dev.sluice.cli.CliContext;
import dev.sluice.cli.internal.ServerAssembly;
import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The CPU time the engine spends on one event on the path a Netty request takes with
 * {@code execution: inline} and {@code store.durability: memory}: the server assembled as
 * {@code sluice serve} assembles it (the security module's guard, the in-memory idempotency
 * window, the processor's breaker, retries and timers, Prometheus meters), the echo processor,
 * and the sink called on this one thread, as an event loop calls it. Each event is new, so each
 * is checked, admitted, processed and remembered. The transport's own work (TLS, framing) is
 * not in it: it is the part of {@code benchmarks/run-netty-bench.sh}'s Sluice figure that the
 * raw echo server does not have.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.InlinePathCpu
 * [rounds] [seconds]} (default 6 rounds of 3 s) prints the CPU nanoseconds per event of each
 * round; the first rounds include the JIT compiler's warm-up.
 */
public final class InlinePathCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** The event data of the Netty benchmark's default: 34 bytes of JSON. */
  static final byte[] DATA =
      "{\"payload\":\"0123456789abcdef0123\"}".getBytes(StandardCharsets.UTF_8);

  private InlinePathCpu() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    long nanos = TimeUnit.SECONDS.toNanos(args.length > 1 ? Long.parseLong(args[1]) : 3);
    Path data = Files.createTempDirectory("sluice-inline-path");
    String yaml = String.join("\n",
        "server: {name: inline-path, data-directory: '" + data + "'}",
        "transport: {type: memory, memory: {address: inline-path}}",
        "store: {url: 'jdbc:h2:file:" + data.resolve("store") + "', durability: memory}",
        "processors: [{name: echo, types: [example.echo], execution: inline}]", "");
    SluiceConfig config = SluiceConfig.parse(yaml, "inline-path benchmark");
    try (ServerAssembly assembly = ServerAssembly.assemble(config, CliContext.system())) {
      assembly.server().start();
      EventSink sink = assembly.server().sink();
      long sequence = 0;
      for (int round = 1; round <= rounds; round++) {
        long events = 0;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
          for (int i = 0; i < 1000; i++) {
            Event event = Event.builder().id(Long.toString(sequence++)).source("/bench")
                .type("example.echo").dataContentType("application/json").data(DATA).build();
            Delivery delivery = Delivery.of("bench", Instant.now().plusSeconds(30))
                .withRemoteAddress("127.0.0.1:1");
            CompletionStage<Result> result = sink.submit(event, delivery);
            Result r = result.toCompletableFuture().join();
            if (!r.isOk()) {
              throw new IllegalStateException("not answered OK: " + r);
            }
          }
          events += 1000;
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        System.out.printf(Locale.ROOT, "round %d: %,d events, %.0f ns of CPU per event%n",
            round, events, cpu / (double) events);
      }
    }
  }
}
