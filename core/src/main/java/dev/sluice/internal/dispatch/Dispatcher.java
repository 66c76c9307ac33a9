package dev.sluice.internal.dispatch;

import dev.sluice.engine.DrainReport;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.PausableSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Routes each event by type to its lane or fan-out. Never blocks and never throws: what cannot
 * be accepted is answered at once.
 */
public final class Dispatcher implements EventSink {
  /** A deadline further out than this is treated as this far (keeps nanoTime arithmetic safe). */
  private static final long MAX_DEADLINE_MILLIS = TimeUnit.DAYS.toMillis(1);
  private static final long WATCHDOG_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final int QUEUE_SCAN_EVERY = 10;

  private final Map<String, ProcessorLane> lanes = new LinkedHashMap<>();
  private final Router router;
  private final PressureController pressure = new PressureController();
  private final TickClock clock = new TickClock();
  private final Thread watchdog;
  private volatile boolean accepting = true;
  private volatile boolean running;
  /**
   * The wall clock as the watchdog last read it (every tick), and {@code System.nanoTime()} minus
   * the wall clock in nanoseconds at that moment, so {@link #submit(Event, Instant)} converts a
   * deadline without reading a clock. It lags the real time by up to a tick, so an event that
   * arrives just after its deadline may be accepted; a worker checks the deadline against the
   * real time before it starts an event that is close to it, so such an event is still answered
   * TIMEOUT, never run.
   */
  private volatile WallClock wallClock = WallClock.now();
  private DrainReport drained;

  public Dispatcher(List<LaneSpec> specs, List<RoutePlan> routes, MeterRegistry registry) {
    for (LaneSpec spec : specs) {
      lanes.put(spec.name(), new ProcessorLane(spec, pressure, clock, registry));
    }
    Map<String, Target> targets = new LinkedHashMap<>();
    for (RoutePlan plan : routes) {
      List<ProcessorLane> planLanes = new ArrayList<>();
      for (String name : plan.processors()) {
        ProcessorLane lane = lanes.get(name);
        if (lane == null) {
          throw new IllegalArgumentException("route '" + plan.pattern()
              + "' names unknown processor '" + name + "'");
        }
        planLanes.add(lane);
      }
      targets.put(plan.pattern(), planLanes.size() == 1
          ? new SingleTarget(planLanes.get(0))
          : new FanOutTarget(planLanes, plan.merge(), plan.timeout().toNanos()));
    }
    this.router = new Router(targets);
    this.watchdog = new Thread(this::watch, "sluice-watchdog");
    this.watchdog.setDaemon(true);
  }

  /** Starts the workers and the watchdog. */
  public void start() {
    running = true;
    clock.tick(System.nanoTime()); // the tick clock read at construction may be long past
    lanes.values().forEach(ProcessorLane::start);
    watchdog.start();
  }

  /** Sources that can slow down are paused while any queue is saturated. */
  public void register(PausableSource source) {
    pressure.register(source);
  }

  public boolean isPaused() {
    return pressure.isPaused();
  }

  @Override
  public CompletionStage<Result> submit(Event event, Delivery delivery) {
    return submit(event, delivery.deadline());
  }

  /** As {@link #submit(Event, Delivery)}, for callers that hold only a deadline. */
  public CompletableFuture<Result> submit(Event event, Instant deadline) {
    if (!accepting) {
      return CompletableFuture.completedFuture(Result.failure(event.id(), Status.UNAVAILABLE,
          "SHUTTING_DOWN", "the server is shutting down; send to another server or retry later"));
    }
    Target target = router.route(event.type());
    if (target == null) {
      return CompletableFuture.completedFuture(Result.failure(event.id(), Status.REJECTED,
          "NO_ROUTE", "no processor handles event type '" + event.type()
              + "'; add it to a processor's types in the configuration"));
    }
    // millisecond precision, no clock read and no allocation: this runs for every event
    WallClock clock = wallClock;
    long remaining = deadline.toEpochMilli() - clock.millis;
    if (remaining <= 0) {
      return CompletableFuture.completedFuture(Result.failure(event.id(), Status.TIMEOUT,
          "DEADLINE_EXCEEDED", "the event arrived after its deadline; it was not processed"));
    }
    long deadlineMillis = clock.millis + Math.min(remaining, MAX_DEADLINE_MILLIS);
    return target.submit(event, deadlineMillis * 1_000_000L + clock.offsetNanos);
  }

  /** A reading of the wall clock, and where it stands against {@code System.nanoTime()}. */
  private static final class WallClock {
    final long millis;
    final long offsetNanos;

    private WallClock(long millis, long offsetNanos) {
      this.millis = millis;
      this.offsetNanos = offsetNanos;
    }

    static WallClock now() {
      long millis = System.currentTimeMillis();
      return new WallClock(millis, System.nanoTime() - millis * 1_000_000L);
    }
  }

  /** The lane of processor {@code name}, or null. */
  ProcessorLane lane(String name) {
    return lanes.get(name);
  }

  /** Results answered so far by every lane, of any status. */
  public long completedCount() {
    long n = 0;
    for (ProcessorLane lane : lanes.values()) {
      n += lane.completed();
    }
    return n;
  }

  /** True when nothing is queued or running. */
  public boolean isIdle() {
    for (ProcessorLane lane : lanes.values()) {
      if (!lane.isIdle()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stops accepting, waits until idle or until {@code deadline}, then abandons what is left
   * (answered with UNAVAILABLE) and stops the workers.
   */
  public synchronized DrainReport drain(Duration deadline) {
    if (drained != null) {
      return drained;
    }
    long start = System.nanoTime();
    long end = start + deadline.toNanos();
    accepting = false;
    long completedBefore = completedCount();
    while (!isIdle() && System.nanoTime() - end < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    List<String> abandoned = new ArrayList<>();
    for (ProcessorLane lane : lanes.values()) {
      abandoned.addAll(lane.stopAndAbandon());
    }
    running = false;
    watchdog.interrupt();
    try {
      for (ProcessorLane lane : lanes.values()) {
        lane.awaitWorkers(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drained = new DrainReport(
        Math.max(0, completedCount() - completedBefore - abandoned.size()), abandoned,
        Duration.ofNanos(System.nanoTime() - start));
    return drained;
  }

  private void watch() {
    int tick = 0;
    while (running) {
      LockSupport.parkNanos(WATCHDOG_TICK_NANOS);
      boolean scanQueued = ++tick % QUEUE_SCAN_EVERY == 0;
      wallClock = WallClock.now();
      long now = System.nanoTime();
      clock.tick(now);
      for (ProcessorLane lane : lanes.values()) {
        lane.checkTimeouts(now, scanQueued);
      }
    }
  }

  /** Lane names with their queue depth and running count, for diagnostics. */
  public Map<String, int[]> load() {
    Map<String, int[]> out = new LinkedHashMap<>();
    lanes.forEach((n, l) -> out.put(n, new int[] {l.depth(), l.running()}));
    return out;
  }
}
