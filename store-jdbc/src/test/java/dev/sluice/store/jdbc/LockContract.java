package dev.sluice.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.spi.LockService;
import dev.sluice.spi.StateStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leases with fencing tokens and the fenced state store, the same on every database. */
abstract class LockContract {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private Database db;

  abstract Database newDatabase();

  /** Rounds per thread: 2 pools x 4 threads x this = thousands of increments. */
  int rounds() {
    return 250;
  }

  @BeforeAll
  void createDatabase() {
    db = newDatabase();
  }

  @AfterAll
  void dropDatabase() {
    db.close();
  }

  private static String name() {
    return "lock-" + UUID.randomUUID();
  }

  private static long read(StateStore state, String key) {
    return state.get(key).map(b -> Long.parseLong(new String(b, StandardCharsets.US_ASCII)))
        .orElse(0L);
  }

  private static byte[] bytes(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void twoServersIncrementOneCounterUnderTheLockWithoutLosingOrDoublingAny() throws Exception {
    String lock = name();
    String key = "counter:" + lock;
    int threadsPerServer = 4;
    try (JdbcStore a = db.open("server-a"); JdbcStore b = db.open("server-b")) {
      ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerServer);
      List<Future<Integer>> workers = new ArrayList<>();
      List<Long> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 2 * threadsPerServer; t++) {
        JdbcStore store = t % 2 == 0 ? a : b;
        workers.add(pool.submit(() -> {
          for (int i = 0; i < rounds(); i++) {
            store.locks().withLock(lock, Duration.ofSeconds(10), WAIT, lease -> {
              tokens.add(lease.fencingToken());
              store.state().put(key, bytes(read(store.state(), key) + 1), lease);
              return null;
            });
          }
          return rounds();
        }));
      }
      int done = 0;
      for (Future<Integer> w : workers) {
        done += w.get(5, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertThat(done).isEqualTo(2 * threadsPerServer * rounds());
      assertThat(read(a.state(), key)).isEqualTo(done);
      assertThat(read(b.state(), key)).isEqualTo(done);
      assertThat(tokens).doesNotHaveDuplicates().hasSize(done);
    }
  }

  @Test
  void anExpiredLeaseHandsOverWithANewerToken() throws Exception {
    String lock = name();
    try (JdbcStore a = db.open("server-a"); JdbcStore b = db.open("server-b")) {
      Lease first = a.locks().acquire(lock, Duration.ofMillis(500), Duration.ZERO).orElseThrow();
      assertThat(b.locks().acquire(lock, Duration.ofSeconds(5), Duration.ZERO)).isEmpty();

      Lease second = b.locks().acquire(lock, Duration.ofSeconds(5), WAIT).orElseThrow();

      assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
      assertThat(second.owner()).isNotEqualTo(first.owner());
      assertThat(a.locks().renew(first, Duration.ofSeconds(5))).isFalse();
      assertThat(first.isLost()).isTrue();
      b.locks().release(second);
      Lease third = a.locks().acquire(lock, Duration.ofSeconds(5), Duration.ZERO).orElseThrow();
      assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
      a.locks().release(third);
    }
  }

  @Test
  void waitsNoLongerThanAskedForAHeldLock() throws Exception {
    String lock = name();
    try (JdbcStore a = db.open("server-a"); JdbcStore b = db.open("server-b")) {
      Lease held = a.locks().acquire(lock, Duration.ofSeconds(30), Duration.ZERO).orElseThrow();
      long start = System.nanoTime();
      assertThat(b.locks().acquire(lock, Duration.ofSeconds(5), Duration.ofMillis(300)))
          .isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      a.locks().release(held);
      assertThat(b.locks().acquire(lock, Duration.ofSeconds(5), WAIT)).isPresent();
    }
  }

  @Test
  void refusesEveryFencedWriteOfAHolderPausedPastItsLease() throws Exception {
    String lock = name();
    String key = "state:" + lock;
    try (JdbcStore a = db.open("server-a"); JdbcStore b = db.open("server-b")) {
      Lease paused = a.locks().acquire(lock, Duration.ofMillis(300), Duration.ZERO).orElseThrow();
      a.state().put(key, bytes(1), paused);
      // "Paused": it does nothing while its lease runs out and another server takes the lock.
      Lease successor = b.locks().acquire(lock, Duration.ofSeconds(30), WAIT).orElseThrow();
      b.state().put(key, bytes(2), successor);

      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(() -> a.state().put(key, bytes(99), paused))
            .isInstanceOf(FencedWriteException.class)
            .hasMessageContaining("token " + paused.fencingToken())
            .hasMessageContaining("token " + successor.fencingToken() + " is newer");
        assertThatThrownBy(() -> a.fenced(paused, c -> 1))
            .isInstanceOf(FencedWriteException.class);
      }
      assertThat(read(b.state(), key)).isEqualTo(2);
      b.locks().release(successor);
      // Released, and nobody holds it: the old lease is still not the newest.
      assertThatThrownBy(() -> a.state().put(key, bytes(99), paused))
          .isInstanceOf(FencedWriteException.class);
      assertThatThrownBy(() -> b.state().put(key, bytes(99), successor))
          .isInstanceOf(FencedWriteException.class);
      assertThat(read(a.state(), key)).isEqualTo(2);
    }
  }

  @Test
  void withLockTellsTheWorkWhenItsLeaseIsLost() throws Exception {
    String lock = name();
    try (JdbcStore a = db.open("server-a")) {
      AtomicBoolean interrupted = new AtomicBoolean();
      Lease[] seen = new Lease[1];
      a.locks().withLock(lock, Duration.ofMillis(900), WAIT, lease -> {
        seen[0] = lease;
        // Someone takes the lock from under it (an operator, or a clock jump on the database).
        db.execute("UPDATE sluice_locks SET token = token + 1 WHERE name = ?", lock);
        try {
          // blocks until withLock interrupts the work on losing the lease (or WAIT runs out)
          new CountDownLatch(1).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          interrupted.set(true);
        }
        return null;
      });
      assertThat(interrupted).isTrue();
      assertThat(seen[0].isLost()).isTrue();
    }
  }

  @Test
  void keepsTheLeaseWhenItsDatabaseConnectionsAreKilledWhileItIsHeld() throws Exception {
    String lock = name();
    String key = "state:" + lock;
    try (JdbcStore a = db.open("server-a", java.util.Map.of("pool-size", 3));
        JdbcStore b = db.open("server-b");
        Connection admin = db.connect()) {
      AtomicInteger killed = new AtomicInteger();
      AtomicInteger writes = new AtomicInteger();
      boolean lostWhileWorking = a.locks().withLock(lock, Duration.ofSeconds(1), WAIT, lease -> {
        // Rounds of: kill every session, write, wait for the renewer to extend the lease anyway.
        // Eight renewals span well over the one-second lease.
        for (int round = 0; round < 8; round++) {
          long expiry = expiresAt(admin, lock);
          killed.addAndGet(db.killSessions(admin));
          // Each write runs on whatever connection the pool has left; broken ones are replaced.
          putUntilDone(a.state(), key, writes.incrementAndGet(), lease);
          await("lease '" + lock + "' renewed after its sessions were killed").atMost(WAIT)
              .until(() -> expiresAt(admin, lock) > expiry);
        }
        return lease.isLost();
      });
      assertThat(killed.get()).as("sessions killed").isPositive();
      assertThat(lostWhileWorking).isFalse();
      assertThat(read(b.state(), key)).isEqualTo(writes.get());
      // It was released normally: the other server gets it at once.
      assertThat(b.locks().acquire(lock, Duration.ofSeconds(5), Duration.ofSeconds(5)))
          .isPresent();
    }
  }

  /** The lock's expiry as the database holds it, read on the test's own connection. */
  private static long expiresAt(Connection admin, String lock) throws java.sql.SQLException {
    try (java.sql.PreparedStatement ps = admin.prepareStatement(
        "SELECT expires_at FROM sluice_locks WHERE name = ?")) {
      ps.setString(1, lock);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
      }
    }
  }

  /** A write whose commit answer was lost is repeated: it writes the same value again. */
  private static void putUntilDone(StateStore state, String key, long value, Lease lease)
      throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        state.put(key, bytes(value), lease);
        return;
      } catch (StoreException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  @Test
  void grantsTheLockAfterAServerReleasesIt() throws Exception {
    String lock = name();
    try (JdbcStore a = db.open("server-a")) {
      LockService locks = a.locks();
      Optional<Lease> first = locks.acquire(lock, Duration.ofSeconds(30), Duration.ZERO);
      locks.release(first.orElseThrow());
      await().atMost(WAIT).until(() -> {
        Optional<Lease> again = locks.acquire(lock, Duration.ofSeconds(30), Duration.ZERO);
        again.ifPresent(locks::release);
        return again.isPresent();
      });
    }
  }
}
