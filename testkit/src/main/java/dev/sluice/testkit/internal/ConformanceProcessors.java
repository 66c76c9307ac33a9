package dev.sluice.testkit.internal;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessorContext;
import dev.sluice.spi.SluicePlugin;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The processors {@code TransportConformanceTest} runs: fresh instances for every test, bound
 * as instances so the test can control and inspect them.
 */
public final class ConformanceProcessors {
  public static final String ECHO = "conformance-echo";
  public static final String SIZE = "conformance-size";
  public static final String GATE = "conformance-gate";
  public static final String RECORDER = "conformance-recorder";

  /** A gated or recording processor never holds a worker longer than this. */
  static final long MAX_HOLD_SECONDS = 30;

  public final Gate gate = new Gate();
  public final Recorder recorder;

  /** @param overlapKeys how many keys the recorder waits to see in flight together */
  public ConformanceProcessors(int overlapKeys) {
    this.recorder = new Recorder(overlapKeys);
  }

  public SluicePlugin plugin() {
    Gate g = gate;
    Recorder r = recorder;
    return new SluicePlugin() {
      @Override
      protected void configure() {
        processor(ECHO, (EventProcessor) (event, context) -> Result.ok(event.id(), event.data(),
            event.dataContentType().orElse(null)));
        processor(SIZE, (EventProcessor) (event, context) -> Result.ok(event.id(),
            Integer.toString(event.dataLength()), "text/plain"));
        processor(GATE, g);
        processor(RECORDER, r);
      }
    };
  }

  /** Holds every event until the test opens it. */
  public static final class Gate implements EventProcessor {
    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();

    @Override
    public Result process(Event event, ProcessorContext context) throws InterruptedException {
      entered.incrementAndGet();
      if (!open.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
        return Result.error(event.id(), "GATE_NEVER_OPENED",
            "the test did not open the gate within " + MAX_HOLD_SECONDS + "s");
      }
      return Result.ok(event.id(), event.data(), event.dataContentType().orElse(null));
    }

    /** How many events have reached the gate. */
    public int entered() {
      return entered.get();
    }

    public void open() {
      open.countDown();
    }
  }

  /**
   * Records the data of each event under its partition key, in the order processed. The first
   * event of each key waits (bounded) until the first events of {@code overlapKeys} keys are in
   * the processor together: proof that different keys run in parallel, without a clock.
   */
  public static final class Recorder implements EventProcessor {
    private final Map<String, List<String>> byKey = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
    private final CountDownLatch firstEvents;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile boolean overlapped = true;

    Recorder(int overlapKeys) {
      this.firstEvents = new CountDownLatch(overlapKeys);
    }

    @Override
    public Result process(Event event, ProcessorContext context) throws InterruptedException {
      String key = event.partitionKey().orElse("");
      AtomicInteger running = active.computeIfAbsent(key, k -> new AtomicInteger());
      if (running.incrementAndGet() != 1) {
        violations.add("two events of key '" + key + "' were processed at once");
      }
      try {
        List<String> seen = byKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        boolean first = seen.isEmpty();
        seen.add(event.dataAsString());
        if (first) {
          firstEvents.countDown();
          if (!firstEvents.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS)) {
            overlapped = false;
          }
        }
        return Result.ok(event.id());
      } finally {
        running.decrementAndGet();
      }
    }

    /** The data of each key's events, in processing order. */
    public Map<String, List<String>> byKey() {
      return Map.copyOf(byKey);
    }

    /** False if the first events of different keys never were in the processor together. */
    public boolean overlapped() {
      return overlapped && firstEvents.getCount() == 0;
    }

    public List<String> violations() {
      return List.copyOf(violations);
    }
  }
}
