package dev.sluice.store.jdbc.internal;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.EventSource;
import dev.sluice.spi.FencedWriteException;
import dev.sluice.spi.Lease;
import dev.sluice.store.jdbc.JdbcStoreConfig;
import dev.sluice.store.jdbc.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls an outbox table for rows not yet done, submits each as an event and marks it done with
 * its result's status. Only the holder of the lock {@code table-source:<table>} polls; the
 * others wait as standbys and take over when its lease expires. Marking a row done is a fenced
 * write, so a poller that lost its lease cannot mark rows its successor is handling; a row whose
 * event is submitted twice (around a takeover) is answered once by the event store's
 * idempotency, keyed by the row's event id and source.
 *
 * <p>Rows whose result is retryable (OVERLOADED, TIMEOUT, UNAVAILABLE) stay not done and are
 * read again on a later poll.
 */
public final class TableSource implements EventSource {
  private static final Logger LOG = LoggerFactory.getLogger(TableSource.class);

  private final Jdbc jdbc;
  private final JdbcLockService locks;
  private final String table;
  private final String lockName;
  private final String defaultSource;
  private final Duration pollInterval;
  private final int batchSize;
  private final Duration lease;
  private final Duration eventTimeout;
  private final String selectSql;
  private final String doneSql;
  private final Map<Long, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
  private final Object wake = new Object();
  private volatile boolean stopping;
  private volatile Lease held;
  private Thread poller;
  private EventSink sink;
  /** The largest row id submitted in this lease; rows after it are read next. */
  private final AtomicLong cursor = new AtomicLong();
  /** The smallest row id to read again (a retryable result), or MAX_VALUE. */
  private final AtomicLong retryFrom = new AtomicLong(Long.MAX_VALUE);
  private long renewedAt;

  public TableSource(Jdbc jdbc, JdbcLockService locks, String table, JdbcStoreConfig config) {
    if (!JdbcStoreConfig.TABLE_NAME.matcher(table).matches()) {
      // Checked by the configuration too; checked again because it becomes SQL text.
      throw new IllegalArgumentException("store.table-source.table '" + table
          + "' is not a plain table name matching " + JdbcStoreConfig.TABLE_NAME.pattern());
    }
    this.jdbc = jdbc;
    this.locks = locks;
    this.table = table;
    this.lockName = "table-source:" + table;
    this.defaultSource = "sluice:table/" + table;
    this.pollInterval = config.tablePollInterval();
    this.batchSize = config.tableBatchSize();
    this.lease = config.tableLease();
    this.eventTimeout = config.tableEventTimeout();
    this.selectSql = "SELECT id, event_id, source, type, subject, data_content_type, data FROM "
        + table + " WHERE done_at IS NULL AND id > ? ORDER BY id";
    this.doneSql = "UPDATE " + table + " SET done_at = " + jdbc.dialect().nowMillis()
        + ", result_status = ? WHERE id = ? AND done_at IS NULL";
  }

  @Override
  public synchronized void start(EventSink eventSink) {
    if (poller != null) {
      throw new IllegalStateException(describe() + " is already started");
    }
    this.sink = eventSink;
    poller = new Thread(this::run, "sluice-table-source-" + table);
    poller.setDaemon(true);
    poller.start();
  }

  /** True while this server holds the table's lock and polls it. */
  public boolean isPolling() {
    Lease l = held;
    return l != null && !l.isLost();
  }

  private void run() {
    while (!stopping) {
      try {
        if (!holdLease()) {
          continue;
        }
        int found = inFlight.size() < batchSize ? poll() : 0;
        if (found == 0) {
          pause(pollInterval.toMillis());
        }
      } catch (InterruptedException e) {
        if (stopping) {
          break;
        }
      } catch (StoreException e) {
        LOG.warn("{}: polling failed, retrying in {}: {}", describe(), pollInterval,
            e.getMessage());
        try {
          pause(pollInterval.toMillis());
        } catch (InterruptedException stop) {
          break;
        }
      } catch (RuntimeException e) {
        LOG.error("{}: unexpected failure; polling continues", describe(), e);
      }
    }
  }

  /** Takes or keeps the lock; false while another server holds it. */
  private boolean holdLease() throws InterruptedException {
    Lease l = held;
    long now = System.nanoTime();
    if (l != null && !l.isLost()) {
      if (now - renewedAt < lease.toNanos() / 3) {
        return true;
      }
      if (locks.renew(l, lease)) {
        renewedAt = now;
        return true;
      }
      LOG.warn("{}: lost the lock {}; another server polls now", describe(), l);
      held = null;
    }
    held = locks.acquire(lockName, lease, pollInterval).orElse(null);
    if (held != null) {
      renewedAt = System.nanoTime();
      cursor.set(0);
      LOG.info("{}: this server polls the table now ({})", describe(), held);
    }
    return held != null;
  }

  private int poll() {
    List<Event> events = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    List<Long> invalid = new ArrayList<>();
    long again = retryFrom.getAndSet(Long.MAX_VALUE);
    if (again != Long.MAX_VALUE) {
      cursor.accumulateAndGet(again - 1, Math::min);
    }
    jdbc.autoCommit("polling " + table, c -> {
      try (PreparedStatement ps = c.prepareStatement(selectSql)) {
        ps.setLong(1, cursor.get());
        ps.setMaxRows(batchSize - inFlight.size());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long id = rs.getLong(1);
            if (inFlight.containsKey(id)) {
              continue; // read again after a rewind, still being processed
            }
            try {
              events.add(toEvent(rs, id));
              ids.add(id);
            } catch (InvalidEventException e) {
              LOG.warn("{}: row {} is not a valid event, marked INVALID: {}", describe(), id,
                  e.getMessage());
              invalid.add(id);
            }
          }
        }
      }
      return null;
    });
    Lease current = held;
    for (long id : invalid) {
      markDone(current, id, Status.INVALID);
    }
    for (int i = 0; i < events.size(); i++) {
      submit(current, ids.get(i), events.get(i));
    }
    return events.size() + invalid.size();
  }

  private Event toEvent(ResultSet rs, long id) throws java.sql.SQLException {
    String eventId = rs.getString(2);
    String source = rs.getString(3);
    return Event.builder()
        .id(eventId != null ? eventId : Long.toString(id))
        .source(source != null ? source : defaultSource)
        .type(rs.getString(4))
        .subject(rs.getString(5))
        .dataContentType(rs.getString(6))
        .data(rs.getBytes(7))
        .build();
  }

  private void submit(Lease current, long id, Event event) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    inFlight.put(id, done);
    cursor.accumulateAndGet(id, Math::max);
    CompletionStage<Result> result;
    try {
      result = sink.submit(event, Delivery.within("table", eventTimeout));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((r, t) -> {
      try {
        if (t == null && !r.status().isRetryable()) {
          markDone(current, id, r.status());
        } else {
          LOG.debug("{}: row {} ended {}; it is read again later", describe(), id,
              t != null ? t.toString() : r.status());
          rewind(id);
        }
      } finally {
        inFlight.remove(id);
        done.complete(null);
      }
    });
  }

  private void rewind(long id) {
    retryFrom.accumulateAndGet(id, Math::min);
  }

  private void markDone(Lease current, long id, Status status) {
    try {
      locks.fenced(current, c -> {
        try (PreparedStatement ps = c.prepareStatement(doneSql)) {
          ps.setString(1, status.name());
          ps.setLong(2, id);
          return ps.executeUpdate();
        }
      });
    } catch (FencedWriteException e) {
      LOG.info("{}: row {} not marked done: {}", describe(), id, e.getMessage());
    } catch (StoreException e) {
      LOG.warn("{}: marking row {} done failed; it is read again later: {}", describe(), id,
          e.getMessage());
      rewind(id);
    }
  }

  private void pause(long millis) throws InterruptedException {
    synchronized (wake) {
      if (!stopping) {
        wake.wait(Math.max(1, millis));
      }
    }
  }

  @Override
  public CompletionStage<Void> stop(Duration drainDeadline) {
    stopping = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    Thread t;
    synchronized (this) {
      t = poller;
    }
    return CompletableFuture.runAsync(() -> {
      try {
        if (t != null) {
          t.join(drainDeadline.toMillis());
        }
        CompletableFuture.allOf(inFlight.values().toArray(CompletableFuture[]::new))
            .get(drainDeadline.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("{}: {} rows still in flight at the drain deadline; they are read again by the"
            + " next poller", describe(), inFlight.size());
      } finally {
        Lease l = held;
        held = null;
        if (l != null) {
          try {
            locks.release(l);
          } catch (StoreException e) {
            LOG.debug("releasing {} failed; it expires by itself", l, e);
          }
        }
      }
    });
  }

  @Override
  public String describe() {
    return "table:" + table;
  }
}
