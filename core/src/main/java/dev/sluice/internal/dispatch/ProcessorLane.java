package dev.sluice.internal.dispatch;

import dev.sluice.config.Execution;
import dev.sluice.config.Ordering;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.internal.logging.EventMdc;
import dev.sluice.internal.logging.EventThread;
import dev.sluice.spi.AsyncEventProcessor;
import dev.sluice.spi.EventProcessor;
import dev.sluice.spi.ProcessingException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured processor: a bounded queue, its workers, its timeout and optional per-key
 * ordering.
 *
 * <p>Admission is counted in {@link #depth} (queued, including events waiting behind their key),
 * so the queue itself never refuses: a full lane answers OVERLOADED before anything is queued.
 * Crossing the high-water mark tells the {@link PressureListener} to pause the sources;
 * draining below the low-water mark resumes them.
 */
final class ProcessorLane implements QueuePressure {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessorLane.class);
  /** A worker adds up the processing time of a run of events at least this often. */
  private static final long TIMING_FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /**
   * How close to its sender's deadline an event must be, by the tick clock, for the worker to
   * read the real clock before it starts it: far more than the tick clock lags unless the
   * watchdog is starved of CPU.
   */
  private static final long EXACT_DEADLINE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** An inline call that overran its timeout is reported at most this often. */
  private static final long OVERRUN_WARNING_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LaneSpec spec;
  private final String name;
  private final EventProcessor processor;
  private final AsyncEventProcessor asyncProcessor;
  /** The engine's wrapper (breaker, retry, dead letter), asked before queueing; may be null. */
  private final WrappedProcessor gate;
  private final ClassLoader pluginLoader;
  private final long timeoutNanos;
  private final int capacity;
  private final int highWater;
  private final int lowWater;
  private final ArrayBlockingQueue<Task> ready;
  private final AtomicInteger depth = new AtomicInteger();
  /** Async stages running; a blocking lane counts its busy workers instead. */
  private final AtomicInteger asyncRunning = new AtomicInteger();
  /** True when events run on the thread that submits them (execution: inline). */
  private final boolean inline;
  /**
   * Each thread that has run this lane's events inline: the event it runs now, how many of its
   * calls are under way, and what it answered. Each thread writes only its own slot, so an
   * inline event touches no memory that the other threads write (before, a shared count of the
   * calls under way and the meters' adders cost four atomic updates per event).
   */
  private final List<InlineSlot> inlineSlots = new CopyOnWriteArrayList<>();
  /**
   * Held to add up the slots' counts, and to retire the slot of a thread that ended into
   * {@link LaneMetrics}: a reader sees its counts in one place or the other, never both.
   */
  private final Object slotCounts = new Object();
  private final ThreadLocal<InlineSlot> inlineSlot = ThreadLocal.withInitial(() -> {
    InlineSlot slot = new InlineSlot(Thread.currentThread());
    inlineSlots.add(slot);
    return slot;
  });
  private volatile long lastOverrunWarning;
  private final KeySequencer sequencer;
  private final Semaphore asyncPermits;
  private final Set<Task> asyncInFlight;
  private final Worker[] workers;
  private final PressureListener pressure;
  private final TickClock clock;
  /** False when log calls do not get the event's MDC keys by themselves: put them per event. */
  private final boolean lazyMdc = EventMdc.lazy();
  private final LaneMetrics metrics;
  private volatile boolean stopped;

  ProcessorLane(LaneSpec spec, PressureListener pressure, TickClock clock,
      MeterRegistry registry) {
    this.spec = spec;
    this.name = spec.name();
    this.processor = spec.processor();
    this.gate = processor instanceof WrappedProcessor ? (WrappedProcessor) processor : null;
    this.pluginLoader = (gate != null ? gate.plugin() : processor).getClass().getClassLoader();
    this.asyncProcessor = processor instanceof AsyncEventProcessor
        ? (AsyncEventProcessor) processor : null;
    this.timeoutNanos = spec.timeout().toNanos();
    this.inline = spec.execution() == Execution.INLINE && asyncProcessor == null;
    this.capacity = spec.queueCapacity();
    this.highWater = Math.max(1, capacity - capacity / 4);
    this.lowWater = capacity / 4;
    this.ready = new ArrayBlockingQueue<>(capacity);
    this.sequencer = spec.ordering() == Ordering.PARTITION_KEY ? new KeySequencer() : null;
    this.pressure = pressure;
    this.clock = clock;
    int workerCount;
    if (asyncProcessor != null) {
      // Async stages hold permits, not threads; a couple of threads suffice to start them.
      this.asyncPermits = new Semaphore(spec.concurrency());
      this.asyncInFlight = ConcurrentHashMap.newKeySet();
      workerCount = Math.min(spec.concurrency(), 2);
    } else {
      this.asyncPermits = null;
      this.asyncInFlight = Set.of();
      workerCount = spec.concurrency();
    }
    this.workers = new Worker[workerCount];
    for (int i = 0; i < workerCount; i++) {
      workers[i] = new Worker(this, "sluice-" + name + "-" + i);
    }
    this.metrics = new LaneMetrics(registry);
  }

  @Override
  public String name() {
    return name;
  }

  void start() {
    for (Worker w : workers) {
      w.start();
    }
  }

  /** Accepts an event or answers OVERLOADED at once. Never blocks. */
  Task submit(Event event, long senderDeadlineNanos) {
    Task task = new Task(this, event, senderDeadlineNanos);
    if (stopped) {
      task.fail(Status.UNAVAILABLE, "SHUTTING_DOWN",
          "processor '" + name + "' is stopping; send to another server or retry later");
      return task;
    }
    if (gate != null) {
      Result refusal = gate.refuse(event);
      if (refusal != null) {
        task.complete(refusal);
        return task;
      }
    }
    return inline ? runInline(task) : enqueue(task, false);
  }

  /**
   * Queues the task for the workers, or answers OVERLOADED when the queue is full. A task whose
   * partition key is held already ({@code keyHeld}: an inline call handing the rest of its
   * processing over) goes straight to the ready queue; any other waits behind its key.
   */
  private Task enqueue(Task task, boolean keyHeld) {
    int n = depth.incrementAndGet();
    if (n > capacity) {
      depth.decrementAndGet();
      task.fail(Status.OVERLOADED, "QUEUE_FULL", "processor '" + name + "' is overloaded: "
          + capacity + " events queued and " + running()
          + " running; retry later, or raise its queue-capacity or concurrency");
      if (keyHeld) {
        release(task);
      }
      return task;
    }
    String key = keyHeld || sequencer == null ? null : task.event.partitionKey().orElse(null);
    if (key == null) {
      ready.add(task);
    } else {
      sequencer.enqueue(key, task);
    }
    if (n == highWater) {
      pressure.saturated(this);
    }
    return task;
  }

  /**
   * Runs the event on the calling thread (execution: inline): no queue, no hand-off. Only what
   * may wait goes to the workers: an event whose partition key is busy, and the rest of an
   * event whose first attempt failed in a way that is retried or dead-lettered (see
   * {@link WrappedProcessor#firstAttempt}). The call cannot be interrupted: past its timeout
   * the watchdog answers its sender TIMEOUT and logs where the thread is stuck; a call that
   * overran without the watchdog seeing it is logged when it returns.
   */
  private Task runInline(Task task) {
    if (sequencer != null) {
      String key = task.event.partitionKey().orElse(null);
      if (key != null && !sequencer.tryStart(key)) {
        return enqueue(task, false); // waits behind the event that holds its key
      }
    }
    long start = System.nanoTime();
    if (expiredBeforeStart(task, start)) {
      release(task);
      return task;
    }
    InlineSlot slot = inlineSlot.get();
    slot.enter();
    try {
      return callInline(task, slot, start);
    } finally {
      slot.leave(); // after the result was counted, or the rest queued
    }
  }

  /** {@link #runInline} once the call counts as under way in {@code slot}. */
  private Task callInline(Task task, InlineSlot slot, long start) {
    task.markStarted(start);
    task.timeoutFromNanos = start; // exact: published to the watchdog by the slot
    // an event that a processor emitted may run inline within its call: the outer call's task
    // is watched again once the inner one is done
    Task outerTask = slot.running();
    slot.running(task);
    Event outer = EventMdc.inline(task.event);
    Thread thread = Thread.currentThread();
    ClassLoader previous = enterPlugin(thread);
    Result result;
    EventProcessor rest = null;
    InlineAttempt attempt = null; // it reads the clock at its end, once for every timer
    try {
      if (gate != null) {
        attempt = gate.firstAttempt(task.event, contextFor(task), start);
        rest = attempt.rest();
        result = rest == null ? normalize(task, attempt.result()) : null;
      } else {
        result = normalize(task, processor.process(task.event, contextFor(task)));
      }
    } catch (Throwable t) {
      result = failureFrom(task, t);
    } finally {
      leavePlugin(thread, previous);
      EventMdc.inlineDone(outer);
      slot.running(outerTask);
    }
    long end = attempt != null ? attempt.endNanos() : System.nanoTime();
    long took = end - start;
    if (took > timeoutNanos && !task.isDone()) {
      // the watchdog did not see it past its timeout (else it answered TIMEOUT and said so)
      warnInline("processor '{}' runs inline and one call took {} ms, more than its timeout of"
          + " {} ms; it held the transport's thread (and every connection on it) meanwhile and"
          + " could not be interrupted. Set execution: workers for a processor that may block",
          name, TimeUnit.NANOSECONDS.toMillis(took), spec.timeout().toMillis());
    }
    if (rest != null) {
      // queued before the call stops counting as running, and a drain looks at the calls
      // before the queue (see isIdle): it never sees the event in neither
      task.handOff(rest);
      if (stopped) {
        abandon(task);
        release(task);
        return task;
      }
      return enqueue(task, true);
    }
    if (task.settle(result)) { // else the watchdog answered it, and counted that
      slot.counts.countAnswered(result.status());
      slot.counts.countTime(1, took);
    }
    release(task);
    return task;
  }

  /** Warns of an inline call that overran; at most once per overrun-warning interval. */
  private void warnInline(String format, Object... args) {
    long now = System.nanoTime();
    if (now - lastOverrunWarning >= OVERRUN_WARNING_EVERY_NANOS || lastOverrunWarning == 0) {
      lastOverrunWarning = now;
      LOG.warn(format, args);
    }
  }

  /** Makes the plugin's loader the thread's context loader; returns the one to restore. */
  private ClassLoader enterPlugin(Thread thread) {
    ClassLoader previous = thread.getContextClassLoader();
    if (previous != pluginLoader) {
      thread.setContextClassLoader(pluginLoader);
    }
    return previous;
  }

  private static void leavePlugin(Thread thread, ClassLoader previous) {
    if (thread.getContextClassLoader() != previous) {
      thread.setContextClassLoader(previous);
    }
  }

  /**
   * The worker's loop. Per event it does a share of one queue operation (it takes what is queued
   * in batches, see {@link TaskBatch} and {@link #fairShare}), one {@code depth} decrement, a
   * release store and a compare-and-set to publish the task to the watchdog, a read of the
   * {@link TickClock}, and plain stores: the event the thread works on (for the MDC, see
   * {@link EventMdc}) and the result's count. It does not read the clock per event:
   *
   * <ul>
   *   <li>The start it stamps is the tick clock's. The sender's deadline is checked against
   *       the tick clock too, and against the real clock when it is less than
   *       {@link #EXACT_DEADLINE_CHECK_NANOS} away, so an event whose deadline has passed is
   *       still never started.
   *   <li>The processing timeout counts from when the watchdog first sees the event running
   *       ({@link #timeOutIfDue}), so it never fires early and at most two ticks late.
   *   <li>The latency timer's count and total are added up per run of events: the worker reads
   *       the clock when a run starts, when the queue runs empty, and when the run has lasted
   *       {@link #TIMING_FLUSH_NANOS} or {@link TaskBatch#CAPACITY} events.
   * </ul>
   *
   * <p>The worker holds the task ({@link Worker#begin}) before the event leaves {@code depth},
   * so a draining dispatcher never sees the lane idle while an event is between the two, and
   * {@link #stopAndAbandon} finds it.
   */
  void workLoop(Worker worker) {
    TaskBatch batch = worker.batch();
    EventThread thread = worker.thread();
    boolean mdcSet = false;
    long runStart = 0; // clock reading where the timing of the current run began; 0: no run
    int runAnswered = 0; // events this worker answered since runStart
    try {
      while (!stopped) {
        Task task = batch.peek();
        boolean fromBatch = task != null;
        if (task == null) {
          fromBatch = batch.fill(ready, fairShare()) > 0;
          task = fromBatch ? batch.peek() : ready.poll();
        }
        if (task == null) {
          if (runStart != 0) {
            worker.counts().countTime(runAnswered, System.nanoTime() - runStart);
            runStart = 0;
            runAnswered = 0;
          }
          thread.workingOn(null); // the queue ran empty: nothing of the last event stays
          if (mdcSet) {
            EventMdc.clear();
            mdcSet = false;
          }
          try {
            task = ready.take();
          } catch (InterruptedException e) {
            continue; // stopped is checked by the loop
          }
        }
        long now = clock.nanos();
        if (runStart == 0) {
          runStart = System.nanoTime();
        } else if (runAnswered >= TaskBatch.CAPACITY || now - runStart >= TIMING_FLUSH_NANOS) {
          long exact = System.nanoTime();
          worker.counts().countTime(runAnswered, exact - runStart);
          runStart = exact;
          runAnswered = 0;
        }
        worker.begin(task);
        if (fromBatch) {
          batch.advance();
        }
        if (depth.decrementAndGet() == lowWater) {
          pressure.relieved(this);
        }
        thread.workingOn(task.event);
        if (!lazyMdc) {
          EventMdc.put(task.event);
          mdcSet = true;
        }
        if (stopped) {
          // stopAndAbandon may have looked before this worker held the task: answer it here
          worker.end(task);
          abandon(task);
        } else if (asyncProcessor != null) {
          runAsync(worker, task);
        } else if (runBlocking(worker, task, now)) {
          runAnswered++;
        }
      }
    } finally {
      if (runStart != 0) {
        worker.counts().countTime(runAnswered, System.nanoTime() - runStart);
      }
      thread.workingOn(null);
      if (mdcSet) {
        EventMdc.clear();
      }
    }
  }

  /**
   * How many queued events one worker may take at once: all of them when it is the only worker
   * (it would run them in this order anyway), otherwise its share of the queue, so events do not
   * wait behind another event in one worker's batch while another worker is free.
   */
  private int fairShare() {
    return workers.length == 1 ? TaskBatch.CAPACITY : depth.get() / workers.length;
  }

  /**
   * True when the task is done already or its sender's deadline has passed. {@code now} may be
   * the tick clock's time, which lags: within {@link #EXACT_DEADLINE_CHECK_NANOS} of the
   * deadline the real clock decides.
   */
  private boolean expiredBeforeStart(Task task, long now) {
    if (task.isDone()) {
      return true; // timed out or abandoned while queued
    }
    long left = task.senderDeadlineNanos - now;
    boolean passed = left <= 0 || left <= EXACT_DEADLINE_CHECK_NANOS
        && task.senderDeadlineNanos - System.nanoTime() <= 0;
    if (passed) {
      task.fail(Status.TIMEOUT, "DEADLINE_EXCEEDED", "the sender's deadline passed while the"
          + " event waited in processor '" + name + "' queue; it was not processed");
      return true;
    }
    return false;
  }

  /** Runs one event; true if this worker answered it (and counted it), false if another did. */
  private boolean runBlocking(Worker worker, Task task, long now) {
    if (expiredBeforeStart(task, now)) {
      worker.end(task);
      release(task);
      return false;
    }
    task.markStarted(now);
    Thread thread = Thread.currentThread();
    ClassLoader previous = enterPlugin(thread);
    Result result;
    try {
      EventProcessor call = task.rest == null ? processor : task.rest;
      result = normalize(task, call.process(task.event, contextFor(task)));
    } catch (Throwable t) {
      result = failureFrom(task, t);
    } finally {
      leavePlugin(thread, previous);
      worker.end(task); // before completing: an interrupt for this task must not hit callbacks
    }
    boolean answered = task.settle(result);
    if (answered) {
      worker.counts().countAnswered(result.status());
    }
    release(task);
    return answered;
  }

  private void runAsync(Worker worker, Task task) {
    try {
      asyncPermits.acquire();
    } catch (InterruptedException e) {
      // stopping, or this task was cancelled while waiting for a permit
      worker.end(task);
      task.fail(Status.UNAVAILABLE, "SHUTTING_DOWN", "processor '" + name + "' stopped");
      release(task);
      return;
    }
    long now = System.nanoTime(); // exact: an asynchronous stage is timed on its own
    if (expiredBeforeStart(task, now)) {
      worker.end(task);
      asyncPermits.release();
      release(task);
      return;
    }
    task.markStarted(now);
    task.timeoutFromNanos = now; // published to the watchdog by asyncInFlight.add
    asyncRunning.incrementAndGet();
    asyncInFlight.add(task);
    worker.end(task); // from here on the stage, not this worker, holds the task
    CompletableFuture<Result> stage;
    Thread thread = Thread.currentThread();
    ClassLoader previous = enterPlugin(thread);
    try {
      stage = asyncProcessor.processAsync(task.event, contextFor(task)).toCompletableFuture();
    } catch (Throwable t) {
      stage = CompletableFuture.failedFuture(t);
    } finally {
      leavePlugin(thread, previous);
    }
    task.asyncStage = stage;
    stage.whenComplete((r, t) -> {
      Result result = t == null ? normalize(task, r) : failureFrom(task, t);
      asyncInFlight.remove(task);
      asyncRunning.decrementAndGet();
      asyncPermits.release();
      task.finish(result);
      release(task);
    });
  }

  private EventScopedContext contextFor(Task task) {
    long processingDeadline = task.startedNanos + timeoutNanos;
    long deadline = processingDeadline - task.senderDeadlineNanos < 0
        ? processingDeadline : task.senderDeadlineNanos;
    return new EventScopedContext(spec.context(), deadline);
  }

  /** Lets the next event with the same key run. */
  private void release(Task task) {
    if (sequencer != null) {
      String key = task.event.partitionKey().orElse(null);
      if (key != null) {
        sequencer.done(key);
      }
    }
  }

  private Result normalize(Task task, Result result) {
    if (result == null) {
      return Result.failure(task.event.id(), Status.ERROR, "NO_RESULT",
          "processor '" + name + "' returned no result (null); return Result.ok(...) instead");
    }
    return result.eventId().equals(task.event.id()) ? result : result.withEventId(task.event.id());
  }

  private Result failureFrom(Task task, Throwable thrown) {
    Throwable t = thrown;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String id = task.event.id();
    if (t instanceof ProcessingException) {
      ProcessingException pe = (ProcessingException) t;
      return Result.failure(id, Status.ERROR, pe.code(), pe.getMessage());
    }
    if (task.isDone()) {
      return task.getNow(null); // interrupted or cancelled after a timeout: keep that
    }
    if (t instanceof InterruptedException) {
      return Result.failure(id, Status.UNAVAILABLE, "INTERRUPTED",
          "processor '" + name + "' was interrupted; retry the event");
    }
    LOG.warn("processor '{}' failed on {}", name, task.event, t);
    return Result.failure(id, Status.ERROR, "PROCESSOR_FAILED",
        "processor '" + name + "' failed: " + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + t.getMessage()));
  }

  /** Called by the watchdog: times out running tasks, and queued ones past their deadline. */
  void checkTimeouts(long now, boolean scanQueued) {
    for (Worker w : workers) {
      Task t = w.current();
      if (t != null) {
        timeOutIfDue(t, now, true);
      }
    }
    for (InlineSlot slot : inlineSlots) {
      Task t = slot.running();
      if (t != null && timeOutIfDue(t, now, false)) {
        warnInline("processor '{}' runs inline and has been busy on one event for {} ms on thread"
            + " {}, past its timeout of {} ms or its sender's deadline. It holds that thread"
            + " (and every connection on it) and cannot be interrupted; its sender is answered"
            + " TIMEOUT. Set execution: workers for a processor that may block. The thread is"
            + " at:{}", name, TimeUnit.NANOSECONDS.toMillis(now - t.startedNanos),
            slot.thread.getName(), spec.timeout().toMillis(), stackOf(slot.thread));
      }
      if (t == null && !slot.thread.isAlive()) {
        retire(slot); // a pool thread that ended
      }
    }
    for (Task t : asyncInFlight) {
      timeOutIfDue(t, now, true);
    }
    if (scanQueued && depth.get() > 0) {
      for (Task t : ready) {
        expireQueued(t, now);
      }
      for (Worker w : workers) {
        w.batch().forEachHeld(t -> expireQueued(t, now));
      }
      if (sequencer != null) {
        sequencer.forEachWaiting(t -> expireQueued(t, now));
      }
    }
  }

  /**
   * Watchdog only. A blocking task's timeout counts from the first tick that sees it running,
   * which is after its real start: the worker stamps only the tick clock's time.
   */
  private boolean timeOutIfDue(Task t, long now, boolean interruptible) {
    if (t.startedNanos == 0 || t.isDone()) {
      return false;
    }
    long from = t.timeoutFromNanos;
    if (from == 0) {
      from = now;
      t.timeoutFromNanos = now;
    }
    boolean processingTimeout = now - (from + timeoutNanos) >= 0;
    if (!processingTimeout && now - t.senderDeadlineNanos < 0) {
      return false;
    }
    String after = interruptible ? "; it was interrupted"
        : "; it runs inline and could not be interrupted";
    boolean failed = processingTimeout
        ? t.fail(Status.TIMEOUT, "PROCESSOR_TIMEOUT", "processor '" + name
            + "' did not finish within its timeout of " + spec.timeout().toMillis() + "ms"
            + after)
        : t.fail(Status.TIMEOUT, "DEADLINE_EXCEEDED", "processor '" + name
            + "' did not finish before the sender's deadline" + after);
    if (failed && interruptible) {
      t.interruptIfRunning();
    }
    return failed;
  }

  private static String stackOf(Thread thread) {
    StringBuilder out = new StringBuilder();
    for (StackTraceElement frame : thread.getStackTrace()) {
      out.append(System.lineSeparator()).append("\tat ").append(frame);
    }
    return out.toString();
  }

  /** A task seen queued or in a batch; one that just started is left to timeOutIfDue. */
  private void expireQueued(Task t, long now) {
    if (!t.isDone() && t.startedNanos == 0 && now - t.senderDeadlineNanos >= 0) {
      t.fail(Status.TIMEOUT, "DEADLINE_EXCEEDED", "the sender's deadline passed while the event"
          + " waited in processor '" + name + "' queue; it was not processed");
    }
  }

  /** Nothing queued, held by a worker (even one waiting for an async permit) or running. */
  boolean isIdle() {
    // the inline calls first: a call hands its rest to the queue before it stops counting
    if (inlineCalls() != 0 || depth.get() != 0 || asyncRunning.get() != 0) {
      return false;
    }
    for (Worker w : workers) {
      if (w.isBusy()) {
        return false;
      }
    }
    return true;
  }

  int depth() {
    return depth.get();
  }

  @Override
  public boolean atHighWater() {
    return depth.get() >= highWater;
  }

  @Override
  public boolean atLowWater() {
    return depth.get() <= lowWater;
  }

  /**
   * Events being processed: held by a worker or running inline or, for an async processor,
   * stages running.
   */
  int running() {
    if (asyncProcessor != null) {
      return asyncRunning.get();
    }
    int n = inlineCalls();
    for (Worker w : workers) {
      if (w.isBusy()) {
        n++;
      }
    }
    return n;
  }

  /** Stops the workers; answers everything still queued or running with UNAVAILABLE. */
  List<String> stopAndAbandon() {
    stopped = true;
    List<String> abandoned = new ArrayList<>();
    List<Task> leftovers = new ArrayList<>();
    ready.drainTo(leftovers);
    if (sequencer != null) {
      sequencer.forEachWaiting(leftovers::add);
    }
    for (Worker w : workers) {
      w.batch().forEachHeld(leftovers::add);
      Task t = w.current();
      if (t != null) {
        leftovers.add(t);
      }
    }
    leftovers.addAll(asyncInFlight);
    for (Task t : leftovers) {
      if (abandon(t)) {
        abandoned.add(t.event.id());
      }
    }
    for (Worker w : workers) {
      w.thread().interrupt();
    }
    return abandoned;
  }

  /** Answers a task UNAVAILABLE because the lane stopped; true if that was its answer. */
  private boolean abandon(Task t) {
    boolean failed = t.fail(Status.UNAVAILABLE, "ABANDONED", "the server stopped before"
        + " processor '" + name + "' finished this event; it may be retried");
    t.interruptIfRunning();
    return failed;
  }

  /** Interrupts the worker running {@code task}, if one is. */
  void interruptIfRunning(Task task) {
    for (Worker w : workers) {
      if (w.interruptIfRunning(task)) {
        return;
      }
    }
  }

  /** Waits briefly for the worker threads to exit after {@link #stopAndAbandon()}. */
  void awaitWorkers(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (Worker w : workers) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        w.thread().join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  void recorded(Task task, Result result, long nowNanos) {
    metrics.record(task, result.status(), nowNanos);
  }

  /** Results answered so far, of any status. */
  long completed() {
    return metrics.completed();
  }

  /** The threads that have run this lane's events inline and are still counted apart. */
  int inlineThreads() {
    return inlineSlots.size();
  }

  /** Inline calls under way, on all threads. */
  private int inlineCalls() {
    int n = 0;
    for (InlineSlot slot : inlineSlots) {
      n += slot.calls();
    }
    return n;
  }

  /** Forgets the slot of a thread that ended, keeping what it answered in the lane's meters. */
  private void retire(InlineSlot slot) {
    synchronized (slotCounts) {
      if (inlineSlots.remove(slot)) {
        metrics.absorb(slot.counts);
      }
    }
  }

  /**
   * A thread that runs events inline: the one it runs now (read by the watchdog), its calls
   * under way (nested when an inline processor's emitted event runs inline too) and what it
   * answered. Written by its thread only.
   */
  private static final class InlineSlot {
    private static final VarHandle RUNNING;
    private static final VarHandle CALLS;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        RUNNING = lookup.findVarHandle(InlineSlot.class, "task", Task.class);
        CALLS = lookup.findVarHandle(InlineSlot.class, "calls", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Thread thread;
    final OwnedCounts counts = new OwnedCounts();
    @SuppressWarnings("unused") // accessed through RUNNING
    private Task task;
    private int calls;

    InlineSlot(Thread thread) {
      this.thread = thread;
    }

    /** The owning thread only; a release store, so the task's fields are visible with it. */
    void running(Task t) {
      RUNNING.setRelease(this, t);
    }

    Task running() {
      return (Task) RUNNING.getAcquire(this);
    }

    /** The owning thread only: a call starts. */
    void enter() {
      CALLS.setRelease(this, calls + 1);
    }

    /** The owning thread only: a call ended, after its result was counted or queued. */
    void leave() {
      CALLS.setRelease(this, calls - 1);
    }

    int calls() {
      return (int) CALLS.getAcquire(this);
    }
  }

  /**
   * Per-key ordering: the first event of a key goes to the ready queue; later ones wait here
   * until the one before them is done, so one key runs one event at a time, in arrival order,
   * while different keys run in parallel.
   */
  private final class KeySequencer {
    private final Map<String, ArrayDeque<Task>> active = new HashMap<>();

    synchronized void enqueue(String key, Task task) {
      ArrayDeque<Task> waiting = active.get(key);
      if (waiting == null) {
        active.put(key, new ArrayDeque<>(2));
        ready.add(task);
      } else {
        waiting.add(task);
      }
    }

    /** Holds the key for an event that runs now, unless another event holds it. */
    synchronized boolean tryStart(String key) {
      if (active.containsKey(key)) {
        return false;
      }
      active.put(key, new ArrayDeque<>(2));
      return true;
    }

    synchronized void done(String key) {
      ArrayDeque<Task> waiting = active.get(key);
      if (waiting == null) {
        return;
      }
      Task next = waiting.poll();
      if (next == null) {
        active.remove(key);
      } else {
        ready.add(next);
      }
    }

    synchronized void forEachWaiting(java.util.function.Consumer<Task> action) {
      for (ArrayDeque<Task> waiting : active.values()) {
        waiting.forEach(action);
      }
    }
  }

  /**
   * The lane's meters, added up when Micrometer scrapes them: the counts that each worker and
   * each inline thread keeps of its own results ({@link OwnedCounts}), and adders for the rest
   * (results that the watchdog or a drain gave, and the counts of inline threads that ended).
   */
  private final class LaneMetrics {
    private final LongAdder[] results = new LongAdder[Status.values().length];
    private final LongAdder timed = new LongAdder();
    private final LongAdder timedNanos = new LongAdder();

    LaneMetrics(MeterRegistry registry) {
      for (Status s : Status.values()) {
        LongAdder adder = new LongAdder();
        results[s.ordinal()] = adder;
        FunctionCounter.builder("sluice.processor.results", this, m -> m.count(s))
            .description("results by status")
            .tag("processor", name).tag("status", s.name())
            .register(registry);
      }
      FunctionTimer.builder("sluice.processor.latency", this, LaneMetrics::timedCount,
              LaneMetrics::timedNanos, TimeUnit.NANOSECONDS)
          .description("time from start of processing to result")
          .tag("processor", name)
          .register(registry);
      Gauge.builder("sluice.processor.queue.depth", depth, AtomicInteger::get)
          .description("events waiting for a worker").tag("processor", name).register(registry);
      Gauge.builder("sluice.processor.in.flight", ProcessorLane.this, ProcessorLane::running)
          .description("events being processed").tag("processor", name).register(registry);
    }

    /** Results of {@code status}: the workers' and inline threads' own, and all others. */
    long count(Status status) {
      return sum(results[status.ordinal()], counts -> counts.answered(status));
    }

    long completed() {
      long n = 0;
      for (Status s : Status.values()) {
        n += count(s);
      }
      return n;
    }

    long timedCount() {
      return sum(timed, OwnedCounts::timedCount);
    }

    long timedNanos() {
      return sum(timedNanos, OwnedCounts::timedNanos);
    }

    /** {@code others} plus the figure {@code own} of each worker's and inline thread's counts. */
    private long sum(LongAdder others, ToLongFunction<OwnedCounts> own) {
      long n = 0;
      for (Worker w : workers) {
        n += own.applyAsLong(w.counts());
      }
      // the adders too under the lock: a slot retired meanwhile is counted in one or the other
      synchronized (slotCounts) {
        n += others.sum();
        for (InlineSlot slot : inlineSlots) {
          n += own.applyAsLong(slot.counts);
        }
      }
      return n;
    }

    /** Keeps the counts of a thread that ended, under {@code slotCounts}. */
    void absorb(OwnedCounts ended) {
      for (Status s : Status.values()) {
        results[s.ordinal()].add(ended.answered(s));
      }
      timed.add(ended.timedCount());
      timedNanos.add(ended.timedNanos());
    }

    void record(Task task, Status status, long nowNanos) {
      results[status.ordinal()].increment();
      long started = task.startedNanos;
      if (started != 0) {
        timed.increment();
        timedNanos.add(nowNanos - started);
      }
    }
  }
}
