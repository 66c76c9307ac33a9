package dev.sluice.internal.memory;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.memory.InMemorySettings;
import dev.sluice.memory.InMemoryTransport;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.health.Health;
import dev.sluice.spi.HealthReportingSource;
import dev.sluice.spi.PausableSource;
import dev.sluice.spi.TransportMeters;
import dev.sluice.spi.TypePausableSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of the in-memory transport. While paused it holds arriving events in a small
 * bounded backlog, as a socket buffer would, and answers OVERLOADED beyond it. Events of types
 * paused by {@link #pauseTypes} wait in the same backlog, as a broker keeps them in its queue,
 * until their pause ends. It reports its health (bound or not) and its bytes and errors.
 */
public final class InMemorySource implements PausableSource, TypePausableSource,
    HealthReportingSource {
  static final int BACKLOG = 256;

  private final InMemorySettings settings;
  private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile EventSink sink;
  private volatile boolean stopping;
  private final Map<String, Set<String>> pausedTypes = new HashMap<>();
  private final TransportMeters meters;
  private volatile boolean bound;
  private boolean paused;

  public InMemorySource(InMemorySettings settings) {
    this(settings, null);
  }

  public InMemorySource(InMemorySettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.meters = registry == null ? null
        : TransportMeters.of(registry, InMemoryTransport.NAME);
    if (meters != null) {
      meters.connections(() -> bound ? 1 : 0);
    }
  }

  @Override
  public void start(EventSink eventSink) {
    this.sink = eventSink;
    InMemoryBroker.bind(settings.address(), this);
    bound = true;
  }

  @Override
  public Health health() {
    if (!bound) {
      return Health.down("not bound to in-memory address '" + settings.address() + "'");
    }
    return Health.up(Map.of("address", settings.address(), "in-flight", inFlight.get()));
  }

  @Override
  public String describe() {
    return "memory://" + settings.address();
  }

  CompletableFuture<Result> receive(Map<String, Object> message, Duration timeout) {
    String id = message.get("id") instanceof String ? (String) message.get("id") : "";
    if (stopping) {
      return done(Result.failure(id, Status.UNAVAILABLE, "SHUTTING_DOWN",
          "the server is shutting down; retry on another server"));
    }
    long size = WireMessage.size(message);
    if (meters != null) {
      meters.bytesIn().increment(size);
    }
    if (size > settings.maxEventBytes()) {
      error("too-large");
      return done(Result.failure(id, Status.INVALID, "TOO_LARGE", "the event is " + size
          + " bytes, over the limit of " + settings.maxEventBytes()
          + " bytes (transport.memory.max-event-bytes); send less data"));
    }
    Event event;
    try {
      event = WireMessage.decode(message);
    } catch (InvalidEventException e) {
      error("decode");
      return done(Result.failure(id, Status.INVALID, "MALFORMED", e.getMessage()));
    }
    Delivery delivery = Delivery.of(InMemoryTransport.NAME, Instant.now().plus(timeout));
    Pending p = new Pending(event, delivery);
    inFlight.incrementAndGet();
    synchronized (this) {
      boolean typePaused = isTypePaused(event.type());
      if (paused || typePaused) {
        if (backlog.size() >= BACKLOG) {
          finished();
          return done(Result.failure(id, Status.OVERLOADED, "BACKLOG_FULL", (typePaused
              ? "intake of type '" + event.type() + "' is paused while its processor's circuit"
                  + " breaker is open"
              : "the server is saturated") + " and the backlog is full; retry later"));
        }
        backlog.add(p);
        return p.result;
      }
    }
    forward(p);
    return p.result;
  }

  private void forward(Pending p) {
    sink.submit(p.event, p.delivery).whenComplete((r, t) -> {
      if (meters != null && r != null) {
        meters.bytesOut().increment(r.data().length);
      }
      p.result.complete(r != null ? r : Result.failure(p.event.id(), Status.ERROR, "INTERNAL",
          "the server failed: " + t));
      finished();
    });
  }

  private void finished() {
    if (inFlight.decrementAndGet() == 0 && stopping) {
      drained.complete(null);
    }
  }

  @Override
  public void pause() {
    synchronized (this) {
      paused = true;
    }
  }

  @Override
  public void resume() {
    synchronized (this) {
      paused = false;
    }
    forwardReleased();
  }

  @Override
  public void pauseTypes(String key, Set<String> typePatterns, String reason) {
    synchronized (this) {
      pausedTypes.put(key, Set.copyOf(typePatterns));
    }
  }

  @Override
  public void resumeTypes(String key) {
    synchronized (this) {
      if (pausedTypes.remove(key) == null) {
        return;
      }
    }
    forwardReleased();
  }

  /** Forwards, in arrival order, what is no longer held by a pause. */
  private void forwardReleased() {
    List<Pending> toForward = new ArrayList<>();
    synchronized (this) {
      if (paused && !stopping) {
        return;
      }
      Iterator<Pending> it = backlog.iterator();
      while (it.hasNext()) {
        Pending p = it.next();
        if (stopping || !isTypePaused(p.event.type())) {
          it.remove();
          toForward.add(p);
        }
      }
    }
    toForward.forEach(this::forward);
  }

  /** Caller holds the monitor. */
  private boolean isTypePaused(String type) {
    for (Set<String> patterns : pausedTypes.values()) {
      for (String pattern : patterns) {
        if (TypePausableSource.matches(pattern, type)) {
          return true;
        }
      }
    }
    return false;
  }

  private void error(String kind) {
    if (meters != null) {
      meters.errors(kind).increment();
    }
  }

  @Override
  public CompletionStage<Void> stop(Duration drainDeadline) {
    stopping = true;
    InMemoryBroker.unbind(settings.address(), this);
    bound = false;
    resume(); // what was already received is processed (or refused), not dropped
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    return drained.completeOnTimeout(null, drainDeadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static CompletableFuture<Result> done(Result r) {
    return CompletableFuture.completedFuture(r);
  }

  private static final class Pending {
    final Event event;
    final Delivery delivery;
    final CompletableFuture<Result> result = new CompletableFuture<>();

    Pending(Event event, Delivery delivery) {
      this.event = event;
      this.delivery = delivery;
    }
  }
}
