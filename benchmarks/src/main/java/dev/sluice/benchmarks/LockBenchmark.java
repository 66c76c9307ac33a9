package dev.sluice.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.spi.Lease;
import dev.sluice.store.jdbc.JdbcStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lock acquire plus release per second on MariaDB, {@value #THREADS} threads, each on its own
 * lock name (uncontended: the cost of the lock itself).
 *
 * <ul>
 *   <li>{@code getLock}: MySQL's session locks, {@code SELECT GET_LOCK(?, 0)} then
 *       {@code SELECT RELEASE_LOCK(?)} on the thread's own connection. No lease, no fencing
 *       token, and the lock dies with the session.
 *   <li>{@code store}: {@code locks().acquire(name, 30s, 0)} then {@code release}: a lease row
 *       judged by the database clock, with a fencing token.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(LockBenchmark.THREADS)
public class LockBenchmark {
  static final int THREADS = 4;
  private static final AtomicInteger NAMES = new AtomicInteger();

  @State(Scope.Benchmark)
  public static class Db {
    StoreDatabases.Target target;
    HikariDataSource pool;
    JdbcStore store;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      target = StoreDatabases.create("mariadb");
      store = JdbcStore.open(target.storeSettings(THREADS + 4), Path.of("."), "bench",
          new SimpleMeterRegistry());
      pool = new HikariDataSource();
      pool.setJdbcUrl(target.url);
      pool.setUsername(target.user);
      pool.setPassword(target.password);
      pool.setMaximumPoolSize(THREADS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      store.close();
      pool.close();
      target.close();
    }
  }

  @State(Scope.Thread)
  public static class PerThread {
    final String name = "bench-lock-" + NAMES.incrementAndGet();
    Connection connection;
    PreparedStatement get;
    PreparedStatement release;

    @Setup(Level.Trial)
    public void open(Db db) throws Exception {
      connection = db.pool.getConnection();
      get = connection.prepareStatement("SELECT GET_LOCK(?, 0)");
      release = connection.prepareStatement("SELECT RELEASE_LOCK(?)");
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      connection.close();
    }
  }

  @Benchmark
  public int getLock(PerThread t) throws Exception {
    t.get.setString(1, t.name);
    try (ResultSet rs = t.get.executeQuery()) {
      if (!rs.next() || rs.getInt(1) != 1) {
        throw new IllegalStateException("GET_LOCK refused an uncontended lock");
      }
    }
    t.release.setString(1, t.name);
    try (ResultSet rs = t.release.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Benchmark
  public long store(Db db, PerThread t) throws Exception {
    Lease lease = db.store.locks().acquire(t.name, Duration.ofSeconds(30), Duration.ZERO)
        .orElseThrow(() -> new IllegalStateException("an uncontended lock was refused"));
    db.store.locks().release(lease);
    return lease.fencingToken();
  }
}
