package dev.sluice.internal.services;

import dev.sluice.spi.Lease;
import dev.sluice.spi.LockService;
import dev.sluice.spi.LockTimeoutException;
import dev.sluice.spi.LockedWork;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Leases held in this JVM only, for a single server and for tests. Same contract as the JDBC
 * lock service: expiring leases, fencing tokens that grow with every grant, renewal while
 * {@link #withLock} runs. Expiry is judged by the injected clock.
 */
public final class InMemoryLockService implements LockService {
  private final Clock clock;
  private final String ownerPrefix;
  private final Map<String, LockState> locks = new HashMap<>();
  private final ScheduledExecutorService renewer;

  public InMemoryLockService(Clock clock, String serverName) {
    this.clock = clock;
    this.ownerPrefix = serverName + "-";
    ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "sluice-lock-renewer");
      t.setDaemon(true);
      return t;
    });
    ex.setRemoveOnCancelPolicy(true);
    this.renewer = ex;
  }

  @Override
  public Optional<Lease> acquire(String name, Duration lease, Duration waitTimeout)
      throws InterruptedException {
    long waitUntil = System.nanoTime() + waitTimeout.toNanos();
    synchronized (this) {
      while (true) {
        LockState state = locks.computeIfAbsent(name, n -> new LockState());
        long now = clock.millis();
        if (state.holder == null || state.expiresAt <= now) {
          state.token++;
          MemoryLease granted = new MemoryLease(name, ownerPrefix + UUID.randomUUID(),
              state.token);
          state.holder = granted;
          state.expiresAt = now + lease.toMillis();
          return Optional.of(granted);
        }
        long leftNanos = waitUntil - System.nanoTime();
        if (leftNanos <= 0) {
          return Optional.empty();
        }
        long untilExpiry = Math.max(1, state.expiresAt - now);
        long waitMs = Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(leftNanos), untilExpiry));
        wait(waitMs);
      }
    }
  }

  @Override
  public synchronized boolean renew(Lease lease, Duration extension) {
    LockState state = locks.get(lease.name());
    long now = clock.millis();
    if (state == null || state.holder != lease || state.expiresAt <= now || lease.isLost()) {
      ((MemoryLease) lease).lost = true;
      return false;
    }
    state.expiresAt = now + extension.toMillis();
    return true;
  }

  @Override
  public synchronized void release(Lease lease) {
    LockState state = locks.get(lease.name());
    ((MemoryLease) lease).lost = true;
    if (state != null && state.holder == lease) {
      state.holder = null;
      state.expiresAt = 0;
      notifyAll();
    }
  }

  @Override
  public <T> T withLock(String name, Duration lease, Duration waitTimeout, LockedWork<T> work)
      throws Exception {
    Lease held = acquire(name, lease, waitTimeout)
        .orElseThrow(() -> new LockTimeoutException(name, waitTimeout));
    Thread worker = Thread.currentThread();
    long period = Math.max(1, lease.toMillis() / 3);
    ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(() -> {
      if (!renew(held, lease)) {
        worker.interrupt();
        throw new IllegalStateException("lease lost"); // stops the schedule
      }
    }, period, period, TimeUnit.MILLISECONDS);
    try {
      return work.run(held);
    } finally {
      renewal.cancel(false);
      release(held);
    }
  }

  /**
   * Runs {@code write} only if {@code lease} is the newest live grant of its lock, atomically
   * with respect to new grants.
   *
   * @return the newest token when the write was refused, or -1 when it ran
   */
  synchronized long fenced(Lease lease, Runnable write) {
    LockState state = locks.get(lease.name());
    long now = clock.millis();
    if (state == null || state.token != lease.fencingToken() || lease.isLost()
        || state.holder != lease || state.expiresAt <= now) {
      return state == null ? 0 : state.token;
    }
    write.run();
    return -1;
  }

  private static final class LockState {
    long token;
    MemoryLease holder;
    long expiresAt;
  }

  private static final class MemoryLease implements Lease {
    private final String name;
    private final String owner;
    private final long token;
    volatile boolean lost;

    MemoryLease(String name, String owner, long token) {
      this.name = name;
      this.owner = owner;
      this.token = token;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String owner() {
      return owner;
    }

    @Override
    public long fencingToken() {
      return token;
    }

    @Override
    public boolean isLost() {
      return lost;
    }

    @Override
    public String toString() {
      return "Lease{" + name + ", owner=" + owner + ", token=" + token + "}";
    }
  }
}
