package dev.sluice.cli.bench;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load generator behind {@code sluice bench}: sends events through one or more
 * {@link EventClient}s, keeps a bounded number of requests in flight, and records every
 * latency in an HdrHistogram. Any {@code EventClient} will do, so the same generator measures a
 * Sluice server and a raw echo server on the same terms.
 *
 * <pre>{@code
 * BenchResult result = LoadGenerator.builder(clients, EventFactory.fromTemplate(template))
 *     .duration(Duration.ofSeconds(30))
 *     .concurrency(64)                         // spread over the clients
 *     .rate(20_000)                            // optional: open loop at 20k/s
 *     .progress(p -> System.err.println(p.format()))
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p><b>Load model.</b> Each client gets its own sender thread and an equal share of the
 * {@code concurrency} permits (a request holds a permit until its result arrives). Without a
 * rate the loop is closed: a request is sent as soon as a permit is free, and its latency is
 * measured from the moment it is sent. With a rate the loop is open: request {@code i} is due at
 * {@code start + i / rate}; when the server falls behind, requests wait for a permit, and their
 * latency is measured from when they were <em>due</em>, so a stall is charged to every request it
 * delayed (no coordinated omission, as in wrk2). Every request gets a fresh event from the
 * {@link EventFactory}.
 *
 * <p><b>Phases.</b> An optional warm-up runs the same load without recording it. The measured
 * part then ends after {@code requests} requests or after {@code duration}, and the generator
 * waits up to the request timeout plus {@value #GRACE_SECONDS} s for the results still in flight;
 * those that never come are reported as unfinished.
 *
 * <p><b>Threading.</b> {@link #run()} blocks the calling thread; it uses one daemon sender thread
 * per client and one progress thread, all gone when it returns. Results are recorded on whatever
 * thread completes the client's stage. The clients are not closed: the caller owns them. An
 * instance runs once.
 *
 * <p><b>Failures.</b> A client that throws, or whose stage completes exceptionally, is counted
 * under {@link BenchResult#CLIENT_EXCEPTION} and the run goes on. An {@code EventFactory} that
 * throws aborts the run: {@link #run()} rethrows its exception.
 */
public final class LoadGenerator {
  static final long GRACE_SECONDS = 5;

  private final List<EventClient> clients;
  private final EventFactory events;
  private final long requests;
  private final Duration duration;
  private final int concurrency;
  private final double rate;
  private final Duration timeout;
  private final Duration warmup;
  private final Duration progressInterval;
  private final Consumer<Progress> progress;
  private final AtomicReference<Thread> runner = new AtomicReference<>();

  private LoadGenerator(Builder b) {
    this.clients = List.copyOf(b.clients);
    this.events = b.events;
    this.requests = b.requests;
    this.duration = b.duration;
    this.concurrency = b.concurrency;
    this.rate = b.rate;
    this.timeout = b.timeout;
    this.warmup = b.warmup;
    this.progressInterval = b.progressInterval;
    this.progress = b.progress;
  }

  /** A generator over {@code clients} (one sender thread each), making events with {@code events}. */
  public static Builder builder(List<? extends EventClient> clients, EventFactory events) {
    return new Builder(clients, events);
  }

  /**
   * Runs the load and returns what it measured.
   *
   * @throws InterruptedException when the calling thread is interrupted; senders stop at once
   * @throws IllegalStateException when called a second time
   * @throws RuntimeException whatever the {@link EventFactory} threw
   */
  public BenchResult run() throws InterruptedException {
    if (!runner.compareAndSet(null, Thread.currentThread())) {
      throw new IllegalStateException("a LoadGenerator runs once; build another one");
    }
    return new Run().execute();
  }

  /** One execution: the shared counters of the sender threads. */
  private final class Run {
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final LongAdder[] byStatus = new LongAdder[Status.values().length];
    private final LongAdder exceptions = new LongAdder();
    private final LongAdder measuredErrors = new LongAdder();
    private final LongAdder allCompleted = new LongAdder();
    private final LongAdder unfinished = new LongAdder();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong budget = new AtomicLong(requests);
    private final AtomicLong lastResultNanos = new AtomicLong();
    private final AtomicReference<RuntimeException> abort = new AtomicReference<>();
    private volatile boolean stop;
    private volatile boolean closed;
    private Histogram recycle;
    private long startNanos;
    private long measureStartNanos;
    private long endNanos;
    private long lastTickNanos;
    private long lastTickCompleted;

    Run() {
      for (int i = 0; i < byStatus.length; i++) {
        byStatus[i] = new LongAdder();
      }
    }

    BenchResult execute() throws InterruptedException {
      startNanos = System.nanoTime();
      measureStartNanos = startNanos + warmup.toNanos();
      endNanos = duration == null ? 0 : measureStartNanos + duration.toNanos();
      lastResultNanos.set(measureStartNanos);
      lastTickNanos = startNanos;

      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-bench-progress");
        t.setDaemon(true);
        return t;
      });
      List<Thread> senders = new ArrayList<>(clients.size());
      try {
        if (progress != null) {
          long every = progressInterval.toNanos();
          ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.NANOSECONDS);
        }
        int base = concurrency / clients.size();
        int extra = concurrency % clients.size();
        for (int lane = 0; lane < clients.size(); lane++) {
          int permits = base + (lane < extra ? 1 : 0);
          int index = lane;
          Thread t = new Thread(() -> sendLoop(index, clients.get(index), permits),
              "sluice-bench-sender-" + lane);
          t.setDaemon(true);
          senders.add(t);
          t.start();
        }
        for (Thread t : senders) {
          t.join();
        }
      } catch (InterruptedException e) {
        stop = true;
        senders.forEach(Thread::interrupt);
        throw e;
      } finally {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
      }
      closed = true;
      RuntimeException failure = abort.get();
      if (failure != null) {
        throw failure;
      }
      harvest();
      Map<String, Long> counts = new LinkedHashMap<>();
      long completed = 0;
      for (Status s : Status.values()) {
        long n = byStatus[s.ordinal()].sum();
        completed += n;
        if (n > 0) {
          counts.put(s.name(), n);
        }
      }
      long thrown = exceptions.sum();
      completed += thrown;
      if (thrown > 0) {
        counts.put(BenchResult.CLIENT_EXCEPTION, thrown);
      }
      Duration elapsed = Duration.ofNanos(Math.max(0, lastResultNanos.get() - measureStartNanos));
      Histogram copy;
      synchronized (total) {
        copy = total.copy();
      }
      return new BenchResult(completed, counts, unfinished.sum(), elapsed,
          LatencySummary.of(copy), concurrency, clients.size(), rate, copy);
    }

    private void sendLoop(int lane, EventClient client, int permits) {
      Semaphore inFlight = new Semaphore(permits);
      boolean open = rate > 0;
      long interval = open ? (long) (1e9 * clients.size() / rate) : 0;
      long due = startNanos + (open ? (long) (1e9 * lane / rate) : 0);
      try {
        while (!stop) {
          if (open && !parkUntil(due)) {
            break;
          }
          if (isOver(System.nanoTime()) || !acquire(inFlight)) {
            break;
          }
          long sentAt = open ? due : System.nanoTime();
          due += interval;
          if (isOver(System.nanoTime())) {
            inFlight.release();
            break;
          }
          boolean measured = sentAt - measureStartNanos >= 0;
          if (measured && duration == null && budget.getAndDecrement() <= 0) {
            inFlight.release();
            break;
          }
          Event event;
          try {
            event = events.create(sequence.getAndIncrement());
          } catch (RuntimeException e) {
            abort.compareAndSet(null, e);
            stop = true;
            inFlight.release();
            break;
          }
          CompletionStage<Result> stage;
          try {
            stage = client.send(event, timeout);
          } catch (RuntimeException e) {
            record(null, e, sentAt, measured);
            inFlight.release();
            continue;
          }
          stage.whenComplete((result, error) -> {
            record(result, error, sentAt, measured);
            inFlight.release();
          });
        }
      } finally {
        awaitInFlight(inFlight, permits);
      }
    }

    /**
     * True once the measured phase is over: its time is up (duration mode) or every measured
     * request has been sent (requests mode; only measured requests draw on the budget).
     */
    private boolean isOver(long now) {
      return endNanos != 0 ? now - endNanos >= 0 : budget.get() <= 0;
    }

    /** Waits for a free permit, giving up when the run stops or its time is up. */
    private boolean acquire(Semaphore inFlight) {
      try {
        while (!stop) {
          if (inFlight.tryAcquire(50, TimeUnit.MILLISECONDS)) {
            return true;
          }
          if (isOver(System.nanoTime())) {
            return false;
          }
        }
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop = true;
        return false;
      }
    }

    private boolean parkUntil(long deadline) {
      long wait;
      while (!stop && (wait = deadline - System.nanoTime()) > 0) {
        if (isOver(System.nanoTime())) {
          return false;
        }
        LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
        if (Thread.currentThread().isInterrupted()) {
          stop = true;
        }
      }
      return !stop;
    }

    private void awaitInFlight(Semaphore inFlight, int permits) {
      try {
        long wait = timeout.toNanos() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
        if (!inFlight.tryAcquire(permits, wait, TimeUnit.NANOSECONDS)) {
          unfinished.add(permits - inFlight.availablePermits());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void record(Result result, Throwable error, long sentAt, boolean measured) {
      long now = System.nanoTime();
      allCompleted.increment();
      if (!measured || closed) {
        return;
      }
      recorder.recordValue(Math.max(0, now - sentAt));
      if (error != null || result == null) {
        exceptions.increment();
        measuredErrors.increment();
      } else {
        byStatus[result.status().ordinal()].increment();
        if (!result.isOk()) {
          measuredErrors.increment();
        }
      }
      lastResultNanos.accumulateAndGet(now, Math::max);
    }

    /** Moves what the recorder holds into the total; returns the interval it moved. */
    private Histogram harvest() {
      synchronized (total) {
        Histogram interval = recorder.getIntervalHistogram(recycle);
        total.add(interval);
        recycle = interval;
        return interval;
      }
    }

    private void tick() {
      try {
        long now = System.nanoTime();
        double p99;
        synchronized (total) {
          // harvest recycles the previous interval, so read it before anyone harvests again
          Histogram interval = harvest();
          p99 = interval.getTotalCount() == 0 ? Double.NaN
              : interval.getValueAtPercentile(99) / 1_000.0;
        }
        long completed = allCompleted.sum();
        double seconds = (now - lastTickNanos) / 1e9;
        double ratePerSecond = seconds <= 0 ? 0 : (completed - lastTickCompleted) / seconds;
        lastTickNanos = now;
        lastTickCompleted = completed;
        progress.accept(new Progress(Duration.ofNanos(now - startNanos), ratePerSecond,
            completed, measuredErrors.sum(), p99, now - measureStartNanos < 0));
      } catch (RuntimeException e) {
        // a failing listener must not end the run; progress is best effort
      }
    }
  }

  /** Configures a {@link LoadGenerator}; {@link #build()} checks the combination. */
  public static final class Builder {
    private final List<EventClient> clients;
    private final EventFactory events;
    private long requests;
    private Duration duration;
    private int concurrency = 1;
    private double rate;
    private Duration timeout = Duration.ofSeconds(10);
    private Duration warmup = Duration.ZERO;
    private Duration progressInterval = Duration.ofSeconds(1);
    private Consumer<Progress> progress;

    private Builder(List<? extends EventClient> clients, EventFactory events) {
      this.clients = List.copyOf(Objects.requireNonNull(clients, "clients"));
      this.events = Objects.requireNonNull(events, "events");
    }

    /** Stop after this many measured requests (excludes {@link #duration}). */
    public Builder requests(long count) {
      this.requests = count;
      return this;
    }

    /** Stop sending after this long, warm-up excluded (excludes {@link #requests}). */
    public Builder duration(Duration length) {
      this.duration = Objects.requireNonNull(length, "length");
      return this;
    }

    /** Requests in flight at most, spread evenly over the clients; at least one per client. */
    public Builder concurrency(int inFlight) {
      this.concurrency = inFlight;
      return this;
    }

    /** Open loop at this many requests per second over all clients; 0 (default) for closed loop. */
    public Builder rate(double perSecond) {
      this.rate = perSecond;
      return this;
    }

    /** The per-request deadline handed to the client. */
    public Builder timeout(Duration deadline) {
      this.timeout = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /** Load sent first and not recorded, so the JIT and the connections settle. */
    public Builder warmup(Duration length) {
      this.warmup = Objects.requireNonNull(length, "length");
      return this;
    }

    /** Called about every {@code interval} from a dedicated thread. */
    public Builder progress(Duration interval, Consumer<Progress> listener) {
      this.progressInterval = Objects.requireNonNull(interval, "interval");
      this.progress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Called about once a second from a dedicated thread. */
    public Builder progress(Consumer<Progress> listener) {
      return progress(Duration.ofSeconds(1), listener);
    }

    /**
     * @throws IllegalArgumentException naming the setting that is out of range or the two
     *     settings that conflict
     */
    public LoadGenerator build() {
      List<String> problems = new ArrayList<>(0);
      if (clients.isEmpty()) {
        problems.add("at least one client is needed");
      }
      if ((requests > 0) == (duration != null)) {
        problems.add("give either a number of requests or a duration, not "
            + (duration == null ? "neither" : "both"));
      }
      if (requests < 0) {
        problems.add("requests must be positive, got " + requests);
      }
      if (duration != null && (duration.isNegative() || duration.isZero())) {
        problems.add("duration must be positive, got " + duration);
      }
      if (concurrency < clients.size()) {
        problems.add("concurrency (" + concurrency + ") must be at least the number of"
            + " connections (" + clients.size() + "): each connection needs a request in flight");
      }
      if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
        problems.add("rate must be 0 (closed loop) or a positive number per second, got " + rate);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        problems.add("timeout must be positive, got " + timeout);
      }
      if (warmup.isNegative()) {
        problems.add("warm-up must not be negative, got " + warmup);
      }
      if (progressInterval.isNegative() || progressInterval.isZero()) {
        problems.add("progress interval must be positive, got " + progressInterval);
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", problems));
      }
      return new LoadGenerator(this);
    }
  }
}
