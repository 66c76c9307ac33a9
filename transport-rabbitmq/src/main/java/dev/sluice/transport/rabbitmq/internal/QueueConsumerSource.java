package dev.sluice.transport.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.health.Health;
import dev.sluice.resilience.DependencyGuard;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.spi.HealthReportingSource;
import dev.sluice.spi.TransportMeters;
import dev.sluice.spi.TypePausableSource;
import dev.sluice.transport.rabbitmq.RabbitMqSettings;
import dev.sluice.transport.rabbitmq.RabbitMqSource;
import dev.sluice.transport.rabbitmq.RabbitMqTransport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the queue on one channel, which also carries the replies and acknowledgements (so an
 * acknowledgement is never processed before the reply it follows); dead letters and follow-on
 * events go through a second channel in confirm mode. A result is settled (reply, ack) on the
 * thread that completes it: two buffered writes, cheaper than a hand-off. While the broker
 * blocks publishers, and while stopping, settlement moves to one settling thread so that engine
 * threads never wait on the broker.
 *
 * <p><b>Pausing types.</b> One queue carries every type, so a paused type cannot be left in the
 * broker by consuming less of the queue selectively. A request (with {@code reply_to}) of a
 * paused type is submitted as usual: the engine answers it UNAVAILABLE at once, the answer goes
 * to its sender, who decides, and it is acknowledged. A one-way message of a paused type is held:
 * not submitted, not acknowledged, so it still counts against the prefetch and the broker
 * delivers it exactly once. On resume the held messages are submitted in arrival order. The
 * prefetch bounds the held messages; once it is full of them, the broker sends nothing more
 * until the pause ends (messages of other types wait in the queue meanwhile, rather than a
 * paused type being redelivered in a loop). On a channel loss or stop, held messages go back to
 * the queue with the channel.
 */
public final class QueueConsumerSource implements RabbitMqSource, HealthReportingSource,
    TypePausableSource {
  private static final Logger LOG = LoggerFactory.getLogger(QueueConsumerSource.class);

  private final RabbitMqSettings settings;
  private final String serverName;
  private final SslContexts tls;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final ExecutorService settler;
  private final TransportMeters meters;
  private final DependencyGuard publisherGuard;
  private final AtomicLong deliveries = new AtomicLong();
  /** Pause patterns by key; guarded by itself, as is {@link #held}. */
  private final Map<String, Set<String>> pauses = new LinkedHashMap<>();
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private volatile boolean anyPaused;
  private volatile EventSink sink;
  private volatile Connection connection;
  private volatile Channel channel;
  private volatile ConfirmingPublisher confirmed;
  private volatile String consumerTag;
  private volatile boolean connected;
  private volatile boolean consuming;
  private volatile boolean stopping;
  private volatile boolean blocked;
  private volatile String blockedReason = "";
  private volatile String lastProblem = "not started";
  private CompletableFuture<Void> stopped;

  public QueueConsumerSource(RabbitMqSettings settings, String serverName,
      SslContexts tls, TransportMeters meters, DependencyGuard publisherGuard) {
    this.settings = settings;
    this.serverName = serverName;
    this.tls = tls;
    this.meters = meters;
    this.publisherGuard = publisherGuard;
    meters.connections(() -> isConnected() ? 1 : 0);
    this.settler = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sluice-rabbitmq-settle-" + settings.queue());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void start(EventSink eventSink) throws IOException {
    this.sink = eventSink;
    ConnectionFactory factory = Connections.factory(settings, tls, "sluice-server " + serverName);
    try {
      connection = factory.newConnection("sluice-server " + serverName);
    } catch (IOException | TimeoutException e) {
      settler.shutdown();
      meters.errors("connection").increment();
      throw new IOException("could not connect to RabbitMQ at " + settings.maskedUri() + ": "
          + describe(e) + ". Start the broker, or fix transport.rabbitmq.uri", e);
    }
    try {
      Channel publishing = connection.createChannel();
      Topology.declare(publishing, settings);
      confirmed = new ConfirmingPublisher(publishing, "dead letter or event");
      subscribe();
    } catch (IOException | RuntimeException e) {
      closeQuietly();
      settler.shutdown();
      throw e;
    }
    connection.addShutdownListener(this::connectionLost);
    connection.addBlockedListener(reason -> {
      blockedReason = reason;
      blocked = true;
      LOG.warn("RabbitMQ blocks publishing ({}); replies wait on the settling thread", reason);
    }, () -> {
      blocked = false;
      LOG.info("RabbitMQ unblocked publishing");
    });
    ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
      @Override
      public void handleRecovery(Recoverable recoverable) {
        connected = true;
        lastProblem = "";
        LOG.info("RabbitMQ connection to {} recovered; consuming '{}' again",
            settings.maskedUri(), settings.queue());
      }

      @Override
      public void handleRecoveryStarted(Recoverable recoverable) {
        LOG.info("recovering the RabbitMQ connection to {}", settings.maskedUri());
      }
    });
    connected = true;
    consuming = true;
    lastProblem = "";
    LOG.info("consuming '{}' on {} (prefetch {}, dead letters to '{}')", settings.queue(),
        settings.maskedUri(), settings.prefetch(), settings.deadLetterExchange());
  }

  /** Opens the consuming channel and registers the consumer. */
  private void subscribe() throws IOException {
    Channel ch = connection.createChannel();
    ch.basicQos(settings.prefetch());
    consumerTag = ch.basicConsume(settings.queue(), false, "sluice-" + serverName + "-"
        + Long.toHexString(System.nanoTime()), new QueueConsumer(ch));
    ch.addShutdownListener(cause -> channelLost(ch, cause));
    channel = ch;
  }

  /**
   * A channel error closes only the channel, and automatic recovery restores channels only with
   * their connection: consume on a new one. Settlements still pending for the old channel fail
   * quietly; the broker has already put those messages back in the queue.
   */
  private void channelLost(Channel ch, ShutdownSignalException cause) {
    if (cause.isHardError() || cause.isInitiatedByApplication() || stopping) {
      return;
    }
    lastProblem = "the consuming channel closed (" + cause.getMessage() + ")";
    meters.errors("channel").increment();
    dropHeld(ch);
    LOG.error("{}; consuming '{}' on a new channel", lastProblem, settings.queue());
    consuming = false;
    try {
      settler.execute(() -> {
        try {
          if (!stopping && connection.isOpen()) {
            subscribe();
            consuming = true;
            lastProblem = "";
          }
        } catch (IOException | RuntimeException e) {
          lastProblem = "could not consume '" + settings.queue() + "' again: " + e.getMessage()
              + "; restart the server";
          LOG.error(lastProblem, e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // stopping
    }
  }

  private void connectionLost(ShutdownSignalException cause) {
    connected = false;
    dropHeld(null);
    if (!cause.isInitiatedByApplication()) {
      meters.errors("connection").increment();
      lastProblem = "the connection to RabbitMQ at " + settings.maskedUri() + " was lost ("
          + cause.getMessage() + "); recovering every " + settings.recoveryInterval().toMillis()
          + "ms";
      LOG.warn("{}; unacknowledged messages go back to the queue", lastProblem);
    }
  }

  @Override
  public boolean isReady() {
    Connection c = connection;
    Channel ch = channel;
    return connected && consuming && !stopping && c != null && c.isOpen() && ch != null
        && ch.isOpen();
  }

  @Override
  public String readiness() {
    if (stopping) {
      return "stopping";
    }
    if (isReady()) {
      return "consuming '" + settings.queue() + "' on " + settings.maskedUri();
    }
    return lastProblem.isEmpty() ? "not connected to " + settings.maskedUri() : lastProblem;
  }

  /**
   * Up while {@link #isReady()} and the broker does not block publishing (a memory or disk
   * alarm, during which no reply or acknowledgement can be sent); the details say why, and which
   * types are paused with how many messages held.
   */
  @Override
  public Health health() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("queue", settings.queue());
    details.put("broker", settings.maskedUri());
    boolean blockedNow = blocked && isReady();
    details.put("state", blockedNow ? "RabbitMQ blocks publishing (" + blockedReason
        + "): replies and acknowledgements wait" : readiness());
    synchronized (pauses) {
      if (!pauses.isEmpty()) {
        details.put("pausedTypes", pauses.values().stream().flatMap(Set::stream).sorted()
            .distinct().toList());
        details.put("held", held.size());
      }
    }
    return isReady() && !blocked ? Health.up(details) : Health.down(details);
  }

  @Override
  public String describe() {
    return settings.maskedUri() + " queue " + settings.queue();
  }

  @Override
  public CompletionStage<Void> publish(Event event) {
    ConfirmingPublisher publisher = confirmed;
    if (publisher == null || !isConnected()) {
      return CompletableFuture.failedFuture(new IOException("cannot publish " + event.key()
          + ": " + readiness()));
    }
    AMQP.BasicProperties props = AmqpEventCodec.encode(event, settings.persistent()).build();
    String exchange = settings.exchange().orElse("");
    String routingKey = settings.exchange().isPresent() ? event.type() : settings.queue();
    meters.bytesOut().increment(event.data().length);
    return publisherGuard.call(() -> publisher.publish(exchange, routingKey, props, event.data()));
  }

  private boolean isConnected() {
    Connection c = connection;
    return connected && c != null && c.isOpen();
  }

  // ---------------------------------------------------------------------------------------------
  // intake

  private final class QueueConsumer extends DefaultConsumer {
    QueueConsumer(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
        byte[] body) {
      received(getChannel(), envelope, props, body);
    }

    @Override
    public void handleCancel(String tag) {
      consuming = false;
      lastProblem = "the broker cancelled the consumer of '" + settings.queue()
          + "' (was the queue deleted?); restart the server to declare it again";
      LOG.error(lastProblem);
    }
  }

  private void received(Channel ch, Envelope envelope, AMQP.BasicProperties props,
      byte[] body) {
    inFlight.incrementAndGet();
    deliveries.incrementAndGet();
    meters.bytesIn().increment(body.length);
    if (stopping) {
      refuseWhileStopping(ch, envelope, props);
      return;
    }
    Event event;
    try {
      event = AmqpEventCodec.decode(props, body, settings.maxEventBytes());
    } catch (MalformedMessageException e) {
      meters.errors("decode").increment();
      LOG.warn("malformed message {} on '{}' ({}): {}; dead-lettered", envelope.getDeliveryTag(),
          settings.queue(), e.code(), e.getMessage());
      settle(ch, envelope, props, body,
          Result.failure(e.eventId(), Status.INVALID, e.code(), e.getMessage()));
      return;
    }
    boolean oneWay = props.getReplyTo() == null || props.getReplyTo().isBlank();
    if (oneWay && anyPaused && hold(new Held(ch, envelope, props, body, event))) {
      return;
    }
    submit(ch, envelope, props, body, event);
  }

  private void submit(Channel ch, Envelope envelope, AMQP.BasicProperties props, byte[] body,
      Event event) {
    Delivery delivery = Delivery.of(RabbitMqTransport.NAME, deadline(props));
    CompletionStage<Result> stage;
    try {
      stage = sink.submit(event, delivery);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((r, t) -> settle(ch, envelope, props, body, r != null ? r
        : Result.failure(event.id(), Status.ERROR, "INTERNAL", "the server failed: " + t)));
  }

  private Instant deadline(AMQP.BasicProperties props) {
    Duration timeout = settings.requestTimeout();
    String expiration = props.getExpiration();
    if (expiration != null) {
      try {
        timeout = Duration.ofMillis(Long.parseLong(expiration.trim()));
      } catch (NumberFormatException ignored) {
        // the broker validates expiration; a non-number cannot reach here
      }
    }
    return Instant.now().plus(timeout);
  }

  /**
   * While stopping as the queue's only consumer: a request with a reply_to is answered
   * UNAVAILABLE at once; any other message stays unacknowledged and goes back to the queue when
   * the channel closes.
   */
  private void refuseWhileStopping(Channel ch, Envelope envelope,
      AMQP.BasicProperties props) {
    String replyTo = props.getReplyTo();
    if (replyTo == null || replyTo.isBlank()) {
      finished();
      return;
    }
    Result refused = Result.failure(AmqpEventCodec.claimedId(props), Status.UNAVAILABLE,
        "SHUTTING_DOWN", "server '" + serverName + "' is shutting down; retry shortly");
    try {
      settler.execute(() -> {
        try {
          reply(ch, props, refused, new byte[0]);
          ch.basicAck(envelope.getDeliveryTag(), false);
        } catch (IOException | RuntimeException e) {
          LOG.debug("could not refuse message {} while stopping", envelope.getDeliveryTag(), e);
        } finally {
          finished();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      finished(); // closing: the message goes back to the queue
    }
  }

  // ---------------------------------------------------------------------------------------------
  // pausing types

  private record Held(Channel channel, Envelope envelope, AMQP.BasicProperties props,
      byte[] body, Event event) {
  }

  /** Keeps {@code h} back when its type is paused; false when it should be submitted now. */
  private boolean hold(Held h) {
    synchronized (pauses) {
      if (!isPaused(h.event.type())) {
        return false;
      }
      held.add(h);
      return true;
    }
  }

  private boolean isPaused(String type) {
    for (Set<String> patterns : pauses.values()) {
      for (String p : patterns) {
        if (TypePausableSource.matches(p, type)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void pauseTypes(String key, Set<String> typePatterns, String reason) {
    synchronized (pauses) {
      pauses.put(key, Set.copyOf(typePatterns));
      anyPaused = true;
    }
    LOG.info("holding messages of types {} from '{}' ({}): {}", typePatterns, settings.queue(),
        key, reason);
  }

  @Override
  public void resumeTypes(String key) {
    List<Held> release = new ArrayList<>();
    synchronized (pauses) {
      if (pauses.remove(key) == null) {
        return;
      }
      anyPaused = !pauses.isEmpty();
      for (var it = held.iterator(); it.hasNext(); ) {
        Held h = it.next();
        if (!isPaused(h.event.type())) {
          it.remove();
          release.add(h);
        }
      }
    }
    LOG.info("resuming types of {} on '{}': {} held messages submitted", key, settings.queue(),
        release.size());
    for (Held h : release) {
      if (h.channel.isOpen()) {
        submit(h.channel, h.envelope, h.props, h.body, h.event);
      } else {
        finished(); // the broker put it back in the queue with its channel
      }
    }
  }

  /**
   * Forgets the held messages of {@code ch} (of every channel when null): the broker has put
   * them back in the queue with their channel.
   */
  private void dropHeld(Channel ch) {
    int dropped = 0;
    synchronized (pauses) {
      for (var it = held.iterator(); it.hasNext(); ) {
        Held h = it.next();
        if (ch == null || h.channel == ch) {
          it.remove();
          dropped++;
        }
      }
    }
    for (int i = 0; i < dropped; i++) {
      finished();
    }
  }

  /** Messages received since start, redeliveries included: for tests and diagnostics. */
  public long deliveries() {
    return deliveries.get();
  }

  /** Messages held because their type is paused. */
  public int heldCount() {
    synchronized (pauses) {
      return held.size();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // settlement

  private void settle(Channel ch, Envelope envelope, AMQP.BasicProperties props, byte[] body,
      Result r) {
    if (!blocked && !stopping) {
      // A reply and an ack are two buffered socket writes; handing them to another thread
      // would cost more than they do. Only a broker that blocks publishers (a memory or disk
      // alarm) could make them wait, and then they go to the settling thread instead.
      doSettle(ch, envelope, props, body, r);
      return;
    }
    try {
      settler.execute(() -> doSettle(ch, envelope, props, body, r));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // stopped after the drain deadline: the channel is closed and the message requeued
      finished();
    }
  }

  private void doSettle(Channel ch, Envelope envelope, AMQP.BasicProperties props, byte[] body,
      Result r) {
    long tag = envelope.getDeliveryTag();
    boolean hasReplyTo = props.getReplyTo() != null && !props.getReplyTo().isBlank();
    try {
      if (hasReplyTo) {
        reply(ch, props, r, r.data());
      }
      if (r.status() == Status.OK) {
        ch.basicAck(tag, false);
        finished();
      } else if (r.isDeadLettered() || !r.status().isRetryable()) {
        // marked: the engine used up its retries; redelivering would only fail again
        deadLetter(ch, tag, props, body, r);
      } else if (hasReplyTo) {
        ch.basicAck(tag, false); // the sender has the retryable answer and decides
        finished();
      } else if (envelope.isRedeliver()) {
        deadLetter(ch, tag, props, body, r); // its one retry through the broker failed too
      } else {
        ch.basicNack(tag, false, true);
        finished();
      }
    } catch (IOException | RuntimeException e) {
      meters.errors("settle").increment();
      LOG.warn("could not settle message {} of '{}' ({}): {}; the broker will deliver it again",
          tag, settings.queue(), r.status(), e.toString());
      finished();
    }
  }

  private void reply(Channel ch, AMQP.BasicProperties request, Result r, byte[] data)
      throws IOException {
    String correlationId = request.getCorrelationId();
    meters.bytesOut().increment(data.length);
    ch.basicPublish("", request.getReplyTo(), false,
        AmqpEventCodec.replyProperties(r, correlationId), data);
  }

  /** Republishes with the error in headers and acknowledges once the broker confirms it. */
  private void deadLetter(Channel ch, long tag, AMQP.BasicProperties props, byte[] body,
      Result r) {
    AMQP.BasicProperties dead = AmqpEventCodec.deadLetterProperties(props, r, settings.queue(),
        serverName);
    meters.bytesOut().increment(body.length);
    publisherGuard.call(() -> confirmed.publish(settings.deadLetterExchange(), settings.queue(),
            dead, body))
        .whenComplete((ok, t) -> settle(() -> {
          if (t == null) {
            ch.basicAck(tag, false);
          } else {
            meters.errors("publish").increment();
            LOG.warn("dead letter of message {} not confirmed ({}); rejecting it to the queue's"
                + " dead-letter exchange without the error headers", tag, t.getMessage());
            ch.basicReject(tag, false);
          }
        }));
  }

  private interface ChannelAction {
    void run() throws IOException;
  }

  private void settle(ChannelAction action) {
    try {
      settler.execute(() -> {
        try {
          action.run();
        } catch (IOException | RuntimeException e) {
          LOG.warn("could not acknowledge a dead-lettered message: {}", e.toString());
        } finally {
          finished();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      finished();
    }
  }

  private void finished() {
    if (inFlight.decrementAndGet() == 0 && stopping) {
      drained.complete(null);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // stop

  @Override
  public synchronized CompletionStage<Void> stop(Duration drainDeadline) {
    if (stopped != null) {
      return stopped;
    }
    stopping = true;
    dropHeld(null); // they go back to the queue when the channel closes
    if (connection == null) {
      settler.shutdown();
      stopped = CompletableFuture.completedFuture(null);
      return stopped;
    }
    cancelIfOthersConsume();
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    stopped = drained.completeOnTimeout(null, drainDeadline.toNanos(), TimeUnit.NANOSECONDS)
        .thenRunAsync(() -> {
          if (inFlight.get() > 0) {
            LOG.warn("{} messages of '{}' were still in flight at the drain deadline; they go"
                + " back to the queue", inFlight.get(), settings.queue());
          }
          closeQuietly();
        }, settler)
        .whenComplete((v, t) -> settler.shutdown());
    return stopped;
  }

  /**
   * With other consumers on the queue, stop taking messages at once so they get them; as the
   * only consumer, keep receiving in order to answer requests UNAVAILABLE rather than leave
   * their senders waiting.
   */
  private void cancelIfOthersConsume() {
    Channel ch = channel;
    if (ch == null || !ch.isOpen()) {
      return;
    }
    try {
      long consumers = ch.consumerCount(settings.queue());
      if (consumers > 1) {
        ch.basicCancel(consumerTag);
        consuming = false;
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not count the consumers of '{}' while stopping", settings.queue(), e);
    }
  }

  private void closeQuietly() {
    Connection c = connection;
    if (c != null) {
      try {
        c.close(5_000);
      } catch (IOException | RuntimeException e) {
        c.abort(1_000); // also ends automatic recovery of a connection that is down
      }
    }
    consuming = false;
  }

  /** Makes the broker close the consuming channel with a channel error: for tests. */
  public void breakConsumingChannel() throws IOException {
    channel.basicAck(Long.MAX_VALUE / 2, false); // an unknown delivery tag: 406
  }

  /** Drops the connection without closing it cleanly, as a crash would: for tests. */
  public void abortConnection() {
    Connection c = connection;
    if (c != null) {
      c.abort(1_000);
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }
}
