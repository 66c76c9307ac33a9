package dev.sluice.internal.services;

import dev.sluice.event.Event;
import dev.sluice.event.EventKey;
import dev.sluice.event.Result;
import dev.sluice.spi.Admission;
import dev.sluice.spi.DeadLetter;
import dev.sluice.spi.EventStore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idempotent results kept in memory for one server: completed results are remembered for a
 * retention period, the newest {@code maxEntries} of them at least, so memory stays bounded.
 * Dead letters are kept up to a bound too. Nothing survives a restart.
 *
 * <p>Events in progress are kept whole (for {@link #incomplete}), with the admitter that
 * admitted each ({@link #admit(Event, Object)}), in a concurrent map: admitting an event claims
 * its key there, so of two copies admitted at once exactly one is new. A copy from the same
 * admitter gets a stage that completes when the first settles, so the engine needs no map of its
 * own; a copy from another admitter (another engine sharing this store in one process) hears
 * IN_PROGRESS, or gets the result when the claim it met was only another copy's looking it up.
 * Their number is bounded as well: past {@code maxEntries} the eldest are dropped, and the
 * copies waiting on them told to retry.
 *
 * <p>Completed results are kept encoded, as records in one byte array, in
 * {@link CompletedResults}, one per <em>stripe</em>. A thread writes the results it completes
 * into its own stripe (threads get stripes in turn, at most {@value #MAX_STRIPES}, and no more
 * than the processors), so that in a server each transport thread mostly writes memory that no
 * other core touches. (With processors on workers, the worker threads complete events and
 * share the stripes in turn with the transport threads.) Before, results were split by key: about half the time an event's segment
 * had last been written by the other event loop, and moving its lock, map and ring between the
 * cores cost about 1 µs per event, a fifth of the server's CPU. A thread asking for a key probes
 * each stripe's index without a lock ({@link ResultIndex#mayHold}) and takes the stripe's lock
 * only when the key may be there, which for a new event is almost never. Each stripe keeps its
 * own newest {@code maxEntries} results, so the newest {@code maxEntries} overall are always
 * kept, and at most that many per stripe.
 *
 * <p>A result is written to its stripe before its event leaves the in-progress map, so a copy
 * admitted after that finds it: the map's removal and the copy's claim of the key order the two.
 *
 * <p>The clock is read once per completed event (its time, and a scan of the thread's stripe
 * for expired results at most once a second), and on admission only when a result for the event
 * is found, to check that it is still within the retention.
 */
public final class InMemoryEventStore implements EventStore {
  /** How often completed entries past their retention are looked for, per stripe. */
  private static final long EXPIRY_SCAN_MILLIS = 1_000;
  /**
   * At most this many stripes: every admission probes each one's index, and each may hold
   * {@code maxEntries} results.
   */
  static final int MAX_STRIPES = 4;
  /** How many admissions a stripe counts between two checks of the in-progress bound, at most. */
  private static final int BOUND_CHECK_EVERY = 256;

  private final Clock clock;
  private final long retentionMillis;
  private final int maxEntries;
  private final int stripeCount;
  private final int boundCheckEvery;
  private final ConcurrentHashMap<EventKey, Running> inProgress;
  /** The stripes made so far, in the order threads were given them; replaced when one is added. */
  private volatile Stripe[] stripes = new Stripe[0];
  /** Their indexes, in the same order: what other threads read, without a lock. */
  private volatile ResultIndex[] indexes = new ResultIndex[0];
  private final ThreadLocal<Stripe> home = new ThreadLocal<>();
  private final AtomicInteger homesGiven = new AtomicInteger();
  /**
   * The order of admissions, coarsely: each stripe moves it on once every
   * {@code boundCheckEvery} of its admissions, so it is written rarely and read cheaply by all.
   */
  private final AtomicLong admissionOrder = new AtomicLong();
  /** Set while one thread drops the eldest events in progress, so that only one does. */
  private final AtomicBoolean dropping = new AtomicBoolean();
  private final ArrayDeque<DeadLetter> deadLetters = new ArrayDeque<>();

  public InMemoryEventStore(Clock clock, long retentionMillis, int maxEntries) {
    this(clock, retentionMillis, maxEntries,
        Math.min(MAX_STRIPES, Runtime.getRuntime().availableProcessors()));
  }

  /** With {@code stripes} stripes at most, whatever the processors: for tests. */
  InMemoryEventStore(Clock clock, long retentionMillis, int maxEntries, int stripes) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("at least one entry, got " + maxEntries);
    }
    if (stripes < 1) {
      throw new IllegalArgumentException("at least one stripe, got " + stripes);
    }
    this.clock = clock;
    this.retentionMillis = retentionMillis;
    this.maxEntries = maxEntries;
    this.stripeCount = stripes;
    this.boundCheckEvery = Math.max(1, Math.min(BOUND_CHECK_EVERY, maxEntries / 16));
    this.inProgress = new ConcurrentHashMap<>(Math.min(maxEntries, 1 << 12));
  }

  @Override
  public boolean answersFromMemory() {
    return true;
  }

  @Override
  public boolean waitsForAdmitters() {
    return true;
  }

  @Override
  public CompletionStage<Admission> admit(Event event) {
    return admit(event, null);
  }

  @Override
  public CompletionStage<Admission> admit(Event event, Object admitter) {
    EventKey key = event.key();
    Stripe stripe = homeStripe();
    long seq = ++stripe.admissions;
    Running mine = new Running(event, admitter, admissionOrder.get(), seq);
    Running running = inProgress.putIfAbsent(key, mine);
    if (running != null) {
      if (admitter != null && running.admitter == admitter) {
        return CompletableFuture.completedFuture(Admission.inProgressHere(running.waitFor()));
      }
      // the claim may be a copy's that is only looking the result up
      Result stored = findCompleted(key);
      return CompletableFuture.completedFuture(
          stored != null ? Admission.completed(stored) : Admission.inProgress());
    }
    // the key is claimed: a result stored before the claim is in a stripe now
    Result stored = findCompleted(key);
    if (stored != null) {
      if (inProgress.remove(key, mine)) {
        mine.settle(stored); // copies that found the claim meanwhile get the result too
      }
      return CompletableFuture.completedFuture(Admission.completed(stored));
    }
    if (seq % boundCheckEvery == 0) {
      admissionOrder.incrementAndGet();
      if (inProgress.size() > maxEntries && dropping.compareAndSet(false, true)) {
        try {
          dropEldestInProgress(mine);
        } finally {
          dropping.set(false);
        }
      }
    }
    return CompletableFuture.completedFuture(Admission.fresh());
  }

  /**
   * The result stored for {@code key} in any stripe, within the retention, or null. (Should two
   * stripes hold one, after its event was dropped from the in-progress map and processed again,
   * the first stripe's is answered: both are results of the event.)
   */
  private Result findCompleted(EventKey key) {
    int hash = CompletedResults.hash(key);
    ResultIndex[] asked = indexes;
    for (int i = 0; i < asked.length; i++) {
      if (asked[i].mayHold(hash)) {
        Stripe s = stripes[i];
        synchronized (s) {
          long storedAt = s.completed.storedAt(key);
          if (storedAt >= 0 && clock.millis() - storedAt <= retentionMillis) {
            return s.completed.get(key);
          }
        }
      }
    }
    return null;
  }

  /**
   * Stores the result, then settles the claim on its key. Stored even when the event was dropped
   * from the in-progress map meanwhile: it is still the event's result, for its next copy.
   * Completion goes by key, as the SPI's does: should the event have been dropped and admitted
   * anew, this settles the newer claim too.
   */
  @Override
  public CompletionStage<Void> complete(EventKey key, Result result) {
    Stripe stripe = homeStripe();
    synchronized (stripe) {
      long now = clock.millis();
      if (now - stripe.lastExpiryScan >= EXPIRY_SCAN_MILLIS) {
        stripe.lastExpiryScan = now;
        stripe.forgetExpired(now, retentionMillis);
      }
      stripe.completed.put(key, result, now);
    }
    // only now: a copy that claims the key after this finds the result above
    Running running = inProgress.remove(key);
    if (running != null) {
      running.settle(result);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> release(EventKey key) {
    Running running = inProgress.remove(key);
    if (running != null) {
      running.settle(null);
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Drops the eldest events in progress, an eighth of the bound under it (but never the one just
   * admitted), telling the copies that wait on them to retry. The bound keeps memory in check
   * when events are never settled; a dropped event that is still running loses its protection
   * from copies (a copy admitted then runs too), though its result is still stored.
   */
  private void dropEldestInProgress(Running justAdmitted) {
    List<Running> eldestFirst = eldestInProgress();
    int keep = Math.max(1, maxEntries - Math.max(1, maxEntries / 8));
    int excess = eldestFirst.size() - keep;
    for (Running r : eldestFirst) {
      if (excess <= 0) {
        break;
      }
      if (r != justAdmitted && inProgress.remove(r.event.key(), r)) {
        r.settle(null); // its waiters retry, and are admitted anew
        excess--;
      }
    }
  }

  /**
   * The events in progress, eldest first: in the order of their admissions, exactly for one
   * stripe's, and across stripes to within the few hundred that one tick of
   * {@link #admissionOrder} spans.
   */
  private List<Running> eldestInProgress() {
    List<Running> running = new ArrayList<>(inProgress.values());
    running.sort(Comparator.<Running>comparingLong(r -> r.order).thenComparingLong(r -> r.seq));
    return running;
  }

  @Override
  public CompletionStage<Void> deadLetter(DeadLetter letter) {
    synchronized (deadLetters) {
      if (deadLetters.size() >= maxEntries) {
        deadLetters.removeFirst();
      }
      deadLetters.addLast(letter);
    }
    return CompletableFuture.completedFuture(null);
  }

  public List<DeadLetter> deadLetters() {
    synchronized (deadLetters) {
      return new ArrayList<>(deadLetters);
    }
  }

  /** Eldest first, to within a few hundred admissions. */
  @Override
  public List<Event> incomplete(int max) {
    return eldestInProgress().stream().limit(max).map(r -> r.event).toList();
  }

  /** The calling thread's stripe: given at its first call, in turn. */
  private Stripe homeStripe() {
    Stripe stripe = home.get();
    if (stripe == null) {
      stripe = stripeNumber(Math.floorMod(homesGiven.getAndIncrement(), stripeCount));
      home.set(stripe);
    }
    return stripe;
  }

  /** Stripe {@code n}, made (with those before it) when no thread had it yet. */
  private synchronized Stripe stripeNumber(int n) {
    Stripe[] made = stripes;
    if (n >= made.length) {
      Stripe[] more = Arrays.copyOf(made, n + 1);
      ResultIndex[] moreIndexes = Arrays.copyOf(indexes, n + 1);
      for (int i = made.length; i <= n; i++) {
        more[i] = new Stripe(maxEntries);
        moreIndexes[i] = more[i].completed.index();
      }
      stripes = more;
      indexes = moreIndexes; // after the stripes: whoever sees an index sees its stripe
      made = more;
    }
    return made[n];
  }

  /** An event in progress: who admitted it, when, and the copies of it that wait, if any. */
  private static final class Running {
    private static final VarHandle STATE;
    /** The state once settled: {@link #result} is then final. */
    private static final Object SETTLED = new Object();

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Running.class, "state", Object.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Event event;
    final Object admitter;
    /** When it was admitted, in ticks of the store's {@code admissionOrder}. */
    final long order;
    /** When it was admitted, in its stripe's count of admissions. */
    final long seq;
    /** Null; then the future the waiting copies share, once one waits; then SETTLED. */
    private volatile Object state;
    /** The result it settled with, or null to retry; written before SETTLED. */
    private Result result;

    Running(Event event, Object admitter, long order, long seq) {
      this.event = event;
      this.admitter = admitter;
      this.order = order;
      this.seq = seq;
    }

    /** For a copy: a stage that completes with the result, or null to retry. */
    CompletionStage<Result> waitFor() {
      while (true) {
        Object s = state;
        if (s == SETTLED) {
          return CompletableFuture.completedStage(result);
        }
        if (s != null) {
          // a view: a copy cannot complete what the other copies wait on
          return waiting(s).minimalCompletionStage();
        }
        CompletableFuture<Result> waited = new CompletableFuture<>();
        if (STATE.compareAndSet(this, null, waited)) {
          return waited.minimalCompletionStage();
        }
      }
    }

    /**
     * Tells the waiting copies: the result, or null to retry. Called once, by whoever took the
     * entry out of the in-progress map.
     */
    void settle(Result settledWith) {
      this.result = settledWith;
      Object before = STATE.getAndSet(this, SETTLED);
      if (before != null) {
        waiting(before).complete(settledWith);
      }
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Result> waiting(Object state) {
      return (CompletableFuture<Result>) state;
    }
  }

  /** The results one thread (or a few) completed, under the stripe's lock. */
  private static final class Stripe {
    final CompletedResults completed;
    long lastExpiryScan;
    /**
     * Admissions by the threads of this stripe (copies too), which order its events in progress
     * and say when to check the bound; racy when it has several threads, which only blurs the
     * order among theirs.
     */
    long admissions;

    Stripe(int entries) {
      this.completed = new CompletedResults(entries);
    }

    /** Forgets completed results past their retention, eldest first. */
    void forgetExpired(long now, long retentionMillis) {
      long eldest;
      while ((eldest = completed.eldestMillis()) >= 0 && now - eldest > retentionMillis) {
        completed.removeEldest();
      }
    }
  }
}
