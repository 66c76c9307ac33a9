package dev.sluice.transport.kafka.internal;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.EventClient;
import dev.sluice.transport.kafka.KafkaHeaders;
import dev.sluice.transport.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side: produces requests to the request topic and reads their results from a reply
 * topic of its own (or one partition of a shared one), matched by correlation id.
 *
 * <p><b>Threads.</b> {@link #send} may be called from any thread. The first request connects on
 * a thread of the client's own, which then reads replies for the client's lifetime; requests
 * made meanwhile wait for it. Each request's deadline is a timer: at the deadline it completes
 * with {@code TIMEOUT} and a late reply is ignored.
 *
 * <p><b>Failures.</b> When the cluster is not reached within {@code connect-timeout}, or no
 * server of the group is running, requests complete with {@code UNAVAILABLE} and nothing is
 * sent; the next request tries again.
 */
public final class KafkaClient implements EventClient {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaClient.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final KafkaSettings settings;
  private final String clientId = "sluice-client-" + UUID.randomUUID().toString().substring(0, 8);
  private final String correlationPrefix = clientId + "-";
  private final AtomicLong correlations = new AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private Connection connection;
  private volatile boolean closed;

  public KafkaClient(KafkaSettings settings) {
    this.settings = settings;
  }

  @Override
  public CompletionStage<Result> send(Event event, Duration timeout) {
    if (closed) {
      return done(Result.failure(event.id(), Status.UNAVAILABLE, "CLIENT_CLOSED",
          "this client is closed; open a new one"));
    }
    long size = KafkaEventCodec.size(event);
    if (size > settings.maxEventBytes()) {
      return done(Result.failure(event.id(), Status.INVALID, "TOO_LARGE", "the event is " + size
          + " bytes, over the limit of " + settings.maxEventBytes()
          + " bytes (transport.kafka.max-event-bytes); send less data"));
    }
    Headers headers = KafkaEventCodec.encodeHeaders(event);
    return request(event.id(), KafkaEventCodec.encodeKey(event), headers,
        KafkaEventCodec.encodeValue(event), timeout);
  }

  /**
   * Sends a record as it is, adding only the reply headers: for tests that need what a client
   * in another language, or a hostile one, could send.
   */
  public CompletionStage<Result> sendRecord(String eventId, byte[] key, Headers headers,
      byte[] value, Duration timeout) {
    if (closed) {
      return done(Result.failure(eventId, Status.UNAVAILABLE, "CLIENT_CLOSED",
          "this client is closed; open a new one"));
    }
    return request(eventId, key, headers, value, timeout);
  }

  private CompletionStage<Result> request(String eventId, byte[] key, Headers headers,
      byte[] value, Duration timeout) {
    String correlation = correlationPrefix + correlations.incrementAndGet();
    Pending p = new Pending(eventId);
    pending.put(correlation, p);
    p.result.completeOnTimeout(Result.failure(eventId, Status.TIMEOUT, "CLIENT_TIMEOUT",
        "no result within " + timeout.toMillis() + "ms"), timeout.toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((r, t) -> pending.remove(correlation));
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    Connection c;
    try {
      c = connection();
    } catch (RuntimeException e) {
      p.result.complete(unavailable(eventId, e));
      return p.result;
    }
    // One sender thread keeps the requests in call order while the connection is being made
    // and while a server check is under way, and lets send() return at once.
    c.execute(() -> {
      if (p.result.isDone()) {
        return; // timed out while waiting
      }
      try {
        c.awaitReady();
      } catch (RuntimeException e) {
        p.result.complete(unavailable(eventId, e));
        return;
      }
      if (!c.serving()) {
        p.result.complete(Result.failure(eventId, Status.UNAVAILABLE, "NO_SERVER",
            "no server of group '" + settings.group() + "' is consuming "
                + settings.requestTopic() + " on Kafka " + settings.bootstrapServers()
                + "; start one (sluice serve) or check transport.kafka.group"));
        return;
      }
      produce(c, p, correlation, key, headers, value, deadline);
    });
    return p.result;
  }

  private void produce(Connection c, Pending p, String correlation, byte[] key, Headers headers,
      byte[] value, long deadline) {
    if (p.result.isDone()) {
      return;
    }
    RecordHeaders h = new RecordHeaders(headers.toArray());
    KafkaEventCodec.put(h, KafkaHeaders.REPLY_TOPIC, c.replyTopic);
    if (settings.replyPartition() >= 0) {
      KafkaEventCodec.put(h, KafkaHeaders.REPLY_PARTITION,
          Integer.toString(settings.replyPartition()));
    }
    KafkaEventCodec.put(h, KafkaHeaders.CORRELATION_ID, correlation);
    KafkaEventCodec.put(h, KafkaHeaders.DEADLINE_MS, Long.toString(deadline));
    try {
      c.producer.send(new ProducerRecord<>(settings.requestTopic(), null, key, value, h),
          (metadata, e) -> {
            if (e != null) {
              p.result.complete(sendFailed(p.eventId, e));
            }
          });
    } catch (RuntimeException e) {
      p.result.complete(sendFailed(p.eventId, e));
    }
  }

  private Result sendFailed(String eventId, Exception e) {
    if (e instanceof RecordTooLargeException) {
      return Result.failure(eventId, Status.INVALID, "TOO_LARGE", "Kafka refused the record as "
          + "too large: " + e.getMessage() + "; send less data, or raise the producer's "
          + "max.request.size and the topic's max.message.bytes");
    }
    return unavailable(eventId, e);
  }

  private Result unavailable(String eventId, Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
        ? e.getCause() : e;
    return Result.failure(eventId, Status.UNAVAILABLE, "NOT_CONNECTED",
        cause instanceof KafkaUnavailableException ? cause.getMessage()
            : "could not send to Kafka at " + settings.bootstrapServers() + ": " + cause);
  }

  private synchronized Connection connection() {
    if (closed) {
      throw new IllegalStateException("this client is closed; open a new one");
    }
    if (connection == null || connection.failed()) {
      if (connection != null) {
        connection.close(false);
      }
      connection = new Connection();
      connection.start();
    }
    return connection;
  }

  /** Closes connections; requests still in flight complete with {@code UNAVAILABLE}. */
  @Override
  public void close() {
    Connection c;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      c = connection;
    }
    for (Pending p : new ArrayList<>(pending.values())) {
      p.result.complete(Result.failure(p.eventId, Status.UNAVAILABLE, "CLIENT_CLOSED",
          "the client was closed before the result arrived"));
    }
    if (c != null) {
      c.close(true);
    }
  }

  private static CompletableFuture<Result> done(Result r) {
    return CompletableFuture.completedFuture(r);
  }

  private record Pending(String eventId, CompletableFuture<Result> result) {
    Pending(String eventId) {
      this(eventId, new CompletableFuture<>());
    }
  }

  /**
   * One attempt to reach the cluster: the reply consumer on a thread of its own, the producer,
   * and the check that a server is there.
   */
  private final class Connection {
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final GroupWatch watch;
    private final Thread thread;
    private final java.util.concurrent.ExecutorService sender;
    private volatile boolean stop;
    private volatile String replyTopic;
    private boolean ownTopic;
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;

    Connection() {
      this.watch = new GroupWatch(settings);
      this.thread = new Thread(this::run, clientId + "-replies");
      this.thread.setDaemon(true);
      this.sender = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, clientId + "-sender");
        t.setDaemon(true);
        return t;
      });
    }

    void start() {
      thread.start();
    }

    void execute(Runnable task) {
      try {
        sender.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        task.run(); // closed meanwhile: the task finds the result done or the client closed
      }
    }

    /** Waits for the connection (sender thread). */
    void awaitReady() {
      try {
        ready.get(settings.connectTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r
            : new KafkaUnavailableException(String.valueOf(e.getCause()), e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        throw TopicAdmin.unreachable(settings, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaUnavailableException("interrupted while connecting", e);
      }
    }

    boolean failed() {
      return ready.isCompletedExceptionally();
    }

    /** Whether a server is in the group; true when that cannot be told (sender thread). */
    boolean serving() {
      try {
        return watch.serving(admin).get(settings.connectTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return true;
      }
    }

    private void run() {
      KafkaConsumer<byte[], byte[]> consumer = null;
      try {
        admin = Admin.create(KafkaClientConfigs.admin(settings, clientId + "-admin"));
        replyTopic = settings.replyTopic().orElse(null);
        if (replyTopic == null) {
          replyTopic = "sluice.replies." + clientId.substring("sluice-client-".length()) + "-"
              + UUID.randomUUID().toString().substring(0, 8);
          ownTopic = true;
          if (!settings.createTopicsAllowed()) {
            throw new KafkaUnavailableException("this client needs a reply topic: set "
                + "transport.kafka.reply-topic (and reply-partition to share one), or allow "
                + "transport.kafka.create-topics so that it makes its own", null);
          }
        }
        TopicAdmin.ensure(admin, settings, List.of(replyTopic), 1);
        consumer = new KafkaConsumer<>(KafkaClientConfigs.replyConsumer(settings,
            clientId + "-replies"));
        List<TopicPartition> partitions = replyPartitions(consumer);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition tp : partitions) {
          consumer.position(tp, settings.connectTimeout()); // fixes "the end" before sending
        }
        producer = new KafkaProducer<>(KafkaClientConfigs.producer(settings, clientId));
        producer.partitionsFor(settings.requestTopic()); // metadata now, not in send()
        ready.complete(null);
      } catch (Exception e) {
        Exception failure = e instanceof KafkaUnavailableException ? e
            : TopicAdmin.unreachable(settings, e);
        LOG.warn("{}", failure.getMessage());
        ready.completeExceptionally(failure);
        closeQuietly(consumer);
        return;
      }
      try {
        while (!stop) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL_TIMEOUT)) {
            onReply(r);
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        if (!stop) {
          LOG.error("{}: reading replies from '{}' failed; requests will time out", clientId,
              replyTopic, e);
        }
      } finally {
        closeQuietly(consumer);
      }
    }

    private List<TopicPartition> replyPartitions(KafkaConsumer<byte[], byte[]> consumer) {
      if (settings.replyPartition() >= 0) {
        return List.of(new TopicPartition(replyTopic, settings.replyPartition()));
      }
      long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
      while (true) {
        List<TopicPartition> all = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(replyTopic, settings.connectTimeout())) {
          all.add(new TopicPartition(replyTopic, info.partition()));
        }
        if (!all.isEmpty()) {
          return all;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new KafkaUnavailableException("reply topic '" + replyTopic + "' has no "
              + "partitions on Kafka " + settings.bootstrapServers() + "; create it", null);
        }
        // a topic just created takes a moment to reach every broker's metadata
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }

    private void onReply(ConsumerRecord<byte[], byte[]> r) {
      String correlation = KafkaEventCodec.lastText(r.headers(), KafkaHeaders.CORRELATION_ID);
      Pending p = correlation == null ? null : pending.get(correlation);
      if (p == null) {
        return; // another client's, or late
      }
      Result result = ReplyCodec.decode(p.eventId, r.headers(), r.value());
      if ("SHUTTING_DOWN".equals(result.errorCode().orElse(null))) {
        watch.invalidate(); // a server is leaving: check again before the next request
      }
      p.result.complete(result);
    }

    void close(boolean deleteOwnTopic) {
      stop = true;
      sender.shutdown();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
      }
      if (deleteOwnTopic && ownTopic && ready.isDone() && !failed()) {
        TopicAdmin.delete(settings, replyTopic, Duration.ofSeconds(5), clientId);
      }
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    }

    private void closeQuietly(KafkaConsumer<byte[], byte[]> consumer) {
      if (consumer != null) {
        try {
          consumer.close(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
          LOG.debug("closing the reply consumer failed", e);
        }
      }
    }
  }
}
