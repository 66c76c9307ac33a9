package dev.sluice.internal.memory;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.memory.InMemorySettings;
import dev.sluice.memory.InMemoryTransport;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.PausableSource;
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
 * bounded backlog, as a socket buffer would, and answers OVERLOADED beyond it.
 */
public final class InMemorySource implements PausableSource {
  static final int BACKLOG = 256;

  private final InMemorySettings settings;
  private final ArrayDeque<Pending> backlog = new ArrayDeque<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile EventSink sink;
  private volatile boolean stopping;
  private boolean paused;

  public InMemorySource(InMemorySettings settings) {
    this.settings = settings;
  }

  @Override
  public void start(EventSink eventSink) {
    this.sink = eventSink;
    InMemoryBroker.bind(settings.address(), this);
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
    if (size > settings.maxEventBytes()) {
      return done(Result.failure(id, Status.INVALID, "TOO_LARGE", "the event is " + size
          + " bytes, over the limit of " + settings.maxEventBytes()
          + " bytes (transport.memory.max-event-bytes); send less data"));
    }
    Event event;
    try {
      event = WireMessage.decode(message);
    } catch (InvalidEventException e) {
      return done(Result.failure(id, Status.INVALID, "MALFORMED", e.getMessage()));
    }
    Delivery delivery = Delivery.of(InMemoryTransport.NAME, Instant.now().plus(timeout));
    Pending p = new Pending(event, delivery);
    inFlight.incrementAndGet();
    synchronized (this) {
      if (paused) {
        if (backlog.size() >= BACKLOG) {
          finished();
          return done(Result.failure(id, Status.OVERLOADED, "BACKLOG_FULL",
              "the server is saturated and its backlog is full; retry later"));
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
    ArrayDeque<Pending> toForward;
    synchronized (this) {
      paused = false;
      toForward = new ArrayDeque<>(backlog);
      backlog.clear();
    }
    toForward.forEach(this::forward);
  }

  @Override
  public CompletionStage<Void> stop(Duration drainDeadline) {
    stopping = true;
    InMemoryBroker.unbind(settings.address(), this);
    resume(); // what was already received is processed, not dropped
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
