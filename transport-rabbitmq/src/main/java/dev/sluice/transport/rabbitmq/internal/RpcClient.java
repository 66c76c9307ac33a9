package dev.sluice.transport.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
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
import dev.sluice.spi.EventClient;
import dev.sluice.transport.rabbitmq.RabbitMqSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests over Direct Reply-to: one connection, one channel that consumes
 * {@code amq.rabbitmq.reply-to} (no-ack, registered before the first publish) and publishes the
 * requests in confirm mode with {@code mandatory} set, so an unroutable request is returned.
 * Replies are matched by correlation id. A second channel counts the queue's consumers a few
 * times a second, so a request with no server to take it is answered UNAVAILABLE rather than
 * left waiting for its deadline.
 *
 * <p>The connection opens on the first request. While the broker is unreachable, requests are
 * answered UNAVAILABLE at once; a new connection is tried at most once per recovery interval,
 * and an established one recovers by itself.
 */
public final class RpcClient implements EventClient {
  private static final Logger LOG = LoggerFactory.getLogger(RpcClient.class);
  static final String REPLY_TO = "amq.rabbitmq.reply-to";
  static final long PRESENCE_INTERVAL_MILLIS = 250;
  private static final AtomicLong CLIENTS = new AtomicLong();

  private final RabbitMqSettings settings;
  private final SslContexts tls;
  private final String prefix;
  private final AtomicLong correlation = new AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ConcurrentNavigableMap<Long, String> unconfirmed = new ConcurrentSkipListMap<>();
  private final ScheduledExecutorService timer;
  private final Object connectLock = new Object();
  private final Object publishLock = new Object();
  private volatile Session session;
  private List<java.util.function.Consumer<Session>> waiting;
  private volatile long retryAfterNanos;
  private volatile String lastFailure = "";
  private volatile boolean closed;

  public RpcClient(RabbitMqSettings settings, SslContexts tls) {
    this.settings = settings;
    this.tls = tls;
    long n = CLIENTS.incrementAndGet();
    this.prefix = Long.toHexString(System.nanoTime()) + "-" + n + "-";
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sluice-rabbitmq-client-" + n);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public CompletionStage<Result> send(Event event, Duration timeout) {
    if (closed) {
      return done(unavailable(event, "CLIENT_CLOSED", "this client is closed; open a new one"));
    }
    if (pending.size() >= settings.maxInFlight()) {
      return done(Result.failure(event.id(), Status.OVERLOADED, "TOO_MANY_IN_FLIGHT",
          "this client already has " + pending.size() + " requests in flight, its limit"
              + " (transport.rabbitmq.client.max-in-flight); wait for results or raise it"));
    }
    Session s = session;
    if (s != null && s.isOpen()) {
      return publish(s, event, timeout);
    }
    if (s != null) {
      return done(unavailable(event, "BROKER_UNREACHABLE", "the connection to RabbitMQ at "
          + settings.maskedUri() + " is down and recovering (" + s.lostBecause
          + "); retry shortly"));
    }
    CompletableFuture<Result> result = new CompletableFuture<>();
    if (!whenConnected(opened -> {
      if (opened == null) {
        result.complete(unavailable(event, "BROKER_UNREACHABLE", lastFailure));
      } else {
        publish(opened, event, timeout).whenComplete((r, t) -> result.complete(r));
      }
    })) {
      return done(unavailable(event, "BROKER_UNREACHABLE", lastFailure));
    }
    return result;
  }

  private CompletionStage<Result> publish(Session s, Event event, Duration timeout) {
    if (s.consumers == 0) {
      return done(unavailable(event, "NO_SERVER", s.noServerReason()));
    }
    String id = prefix + correlation.incrementAndGet();
    Pending p = new Pending(event.id());
    pending.put(id, p);
    long millis = Math.max(1, timeout.toMillis());
    AMQP.BasicProperties props = AmqpEventCodec.encode(event, settings.persistent())
        .replyTo(REPLY_TO)
        .correlationId(id)
        .expiration(Long.toString(millis))
        .build();
    String exchange = settings.exchange().orElse("");
    String routingKey = settings.exchange().isPresent() ? event.type() : settings.queue();
    try {
      synchronized (publishLock) {
        long seq = s.channel.getNextPublishSeqNo();
        unconfirmed.put(seq, id);
        s.channel.basicPublish(exchange, routingKey, true, props, event.data());
      }
    } catch (IOException | RuntimeException e) {
      pending.remove(id);
      return done(unavailable(event, "BROKER_UNREACHABLE", "could not send to RabbitMQ at "
          + settings.maskedUri() + ": " + e.getMessage() + "; retry shortly"));
    }
    p.result.completeOnTimeout(Result.failure(event.id(), Status.TIMEOUT, "CLIENT_TIMEOUT",
        "no result within " + millis + "ms"), millis, TimeUnit.MILLISECONDS);
    p.result.whenComplete((r, t) -> pending.remove(id));
    return p.result;
  }

  // ---------------------------------------------------------------------------------------------
  // connection

  /**
   * Runs {@code action} with the session once connected (or with null if connecting fails), in
   * the order the requests were made; false when the last attempt failed too recently.
   */
  private boolean whenConnected(java.util.function.Consumer<Session> action) {
    synchronized (connectLock) {
      if (session != null) {
        action.accept(session);
        return true;
      }
      if (waiting != null) {
        waiting.add(action);
        return true;
      }
      if (System.nanoTime() - retryAfterNanos < 0) {
        return false;
      }
      waiting = new java.util.ArrayList<>();
      waiting.add(action);
      timer.execute(() -> {
        Session opened = null;
        try {
          opened = open();
        } catch (RuntimeException e) {
          LOG.debug("connecting failed", e);
        }
        if (opened == null) {
          List<java.util.function.Consumer<Session>> failed;
          synchronized (connectLock) {
            retryAfterNanos = System.nanoTime() + settings.recoveryInterval().toNanos();
            failed = waiting;
            waiting = null;
          }
          failed.forEach(a -> a.accept(null));
          return;
        }
        // Publish the requests that waited, in order, before later ones may pass them: the
        // session becomes visible to send() only once none are left.
        while (true) {
          List<java.util.function.Consumer<Session>> toRun;
          synchronized (connectLock) {
            if (waiting.isEmpty()) {
              waiting = null;
              session = opened;
              break;
            }
            toRun = waiting;
            waiting = new java.util.ArrayList<>();
          }
          for (java.util.function.Consumer<Session> a : toRun) {
            a.accept(opened);
          }
        }
      });
      return true;
    }
  }

  private Session open() {
    ConnectionFactory factory;
    Connection connection;
    try {
      factory = Connections.factory(settings, tls, "sluice-client");
      factory.setChannelRpcTimeout((int) settings.connectionTimeout().toMillis());
      connection = factory.newConnection("sluice-client");
    } catch (IOException | TimeoutException | RuntimeException e) {
      lastFailure = "RabbitMQ at " + settings.maskedUri() + " is unreachable: "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage()
          + ")") + "; start the broker or fix transport.rabbitmq.uri";
      throw new IllegalStateException(lastFailure, e);
    }
    try {
      Session s = new Session(connection);
      s.start();
      if (closed) {
        connection.abort();
      }
      return s;
    } catch (IOException | RuntimeException e) {
      connection.abort();
      lastFailure = "could not set up the RabbitMQ client channel on " + settings.maskedUri()
          + ": " + e.getMessage();
      throw new IllegalStateException(lastFailure, e);
    }
  }

  /** One connection with its request channel and its presence probe. */
  private final class Session {
    final Connection connection;
    Channel channel;
    Channel probe;
    volatile boolean up = true;
    volatile long consumers = -1;
    volatile String probeProblem = "";
    volatile String lostBecause = "";

    Session(Connection connection) {
      this.connection = connection;
    }

    void start() throws IOException {
      channel = connection.createChannel();
      channel.basicConsume(REPLY_TO, true, new ReplyConsumer(channel));
      channel.confirmSelect();
      channel.addConfirmListener(new ConfirmListener() {
        @Override
        public void handleAck(long tag, boolean multiple) {
          confirmed(tag, multiple, false);
        }

        @Override
        public void handleNack(long tag, boolean multiple) {
          confirmed(tag, multiple, true);
        }
      });
      channel.addReturnListener(returned -> {
        Pending p = pending.remove(String.valueOf(returned.getProperties().getCorrelationId()));
        if (p != null) {
          p.result.complete(Result.failure(p.eventId, Status.UNAVAILABLE, "NO_SERVER",
              "RabbitMQ could not route the request (" + returned.getReplyText() + ") to "
                  + target() + "; start a server, which declares the queue, or check"
                  + " transport.rabbitmq.queue and exchange"));
        }
      });
      connection.addShutdownListener(this::lost);
      ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
        @Override
        public void handleRecovery(Recoverable recoverable) {
          up = true;
          LOG.info("RabbitMQ client connection to {} recovered", settings.maskedUri());
        }

        @Override
        public void handleRecoveryStarted(Recoverable recoverable) {
        }
      });
      probe();
      timer.scheduleWithFixedDelay(this::probe, PRESENCE_INTERVAL_MILLIS,
          PRESENCE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    boolean isOpen() {
      return up && connection.isOpen();
    }

    String noServerReason() {
      return probeProblem.isEmpty()
          ? "no server consumes queue '" + settings.queue() + "' on " + settings.maskedUri()
              + "; start one (sluice serve with transport.type: rabbitmq) and retry"
          : probeProblem;
    }

    /** Counts the queue's consumers; with none, waiting requests cannot be answered. */
    void probe() {
      if (closed || !isOpen()) {
        return;
      }
      try {
        if (probe == null || !probe.isOpen()) {
          probe = connection.createChannel();
        }
        consumers = probe.consumerCount(settings.queue());
        probeProblem = "";
      } catch (IOException | RuntimeException e) {
        consumers = 0;
        probeProblem = "queue '" + settings.queue() + "' does not exist on "
            + settings.maskedUri() + "; start a server, which declares it";
      }
      if (consumers == 0) {
        failAll("NO_SERVER", noServerReason()
            + " (the request may still be in the queue until its deadline)");
      }
    }

    private void lost(ShutdownSignalException cause) {
      up = false;
      lostBecause = cause.getMessage();
      if (!cause.isInitiatedByApplication()) {
        LOG.warn("RabbitMQ client connection to {} lost: {}", settings.maskedUri(),
            cause.getMessage());
      }
      unconfirmed.clear();
      failAll("CONNECTION_LOST", "the connection to RabbitMQ at " + settings.maskedUri()
          + " was lost before the result arrived; the event may have been processed, retry it"
          + " with the same id");
    }
  }

  private String target() {
    return settings.exchange().map(e -> "exchange '" + e + "'")
        .orElse("queue '" + settings.queue() + "'");
  }

  private void confirmed(long tag, boolean multiple, boolean nack) {
    Map<Long, String> done = multiple ? unconfirmed.headMap(tag, true)
        : (unconfirmed.containsKey(tag) ? Map.of(tag, unconfirmed.get(tag)) : Map.of());
    for (Long seq : done.keySet().toArray(Long[]::new)) {
      String id = unconfirmed.remove(seq);
      if (nack && id != null) {
        Pending p = pending.remove(id);
        if (p != null) {
          p.result.complete(Result.failure(p.eventId, Status.UNAVAILABLE, "BROKER_REFUSED",
              "RabbitMQ refused the request (basic.nack); retry later"));
        }
      }
    }
  }

  private final class ReplyConsumer extends DefaultConsumer {
    ReplyConsumer(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
        byte[] body) {
      String id = props.getCorrelationId();
      Pending p = id == null ? null : pending.remove(id);
      if (p == null) {
        return; // its requester already timed out
      }
      p.result.complete(AmqpEventCodec.decodeReply(props, body, p.eventId));
    }
  }

  private void failAll(String code, String message) {
    for (String id : pending.keySet().toArray(String[]::new)) {
      Pending p = pending.remove(id);
      if (p != null) {
        p.result.complete(Result.failure(p.eventId, Status.UNAVAILABLE, code, message));
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Session s = session;
    if (s != null) {
      try {
        s.connection.close(2_000);
      } catch (IOException | RuntimeException e) {
        s.connection.abort(1_000);
      }
    }
    failAll("CLIENT_CLOSED", "the client was closed before the result arrived");
    timer.shutdownNow();
  }

  private static Result unavailable(Event event, String code, String message) {
    return Result.failure(event.id(), Status.UNAVAILABLE, code, message);
  }

  private static CompletableFuture<Result> done(Result r) {
    return CompletableFuture.completedFuture(r);
  }

  private static final class Pending {
    final String eventId;
    final CompletableFuture<Result> result = new CompletableFuture<>();

    Pending(String eventId) {
      this.eventId = eventId;
    }
  }
}
