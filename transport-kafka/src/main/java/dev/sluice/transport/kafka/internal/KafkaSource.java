package dev.sluice.transport.kafka.internal;

import dev.sluice.event.Event;
import dev.sluice.event.InvalidEventException;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.Delivery;
import dev.sluice.spi.EventSink;
import dev.sluice.health.Health;
import dev.sluice.resilience.DependencyGuard;
import dev.sluice.spi.HealthReportingSource;
import dev.sluice.spi.PausableSource;
import dev.sluice.spi.PublishingSource;
import dev.sluice.spi.TransportMeters;
import dev.sluice.spi.TypePausableSource;
import dev.sluice.transport.kafka.KafkaHeaders;
import dev.sluice.transport.kafka.KafkaSettings;
import dev.sluice.transport.kafka.KafkaTransport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side: a consumer in the configured group, feeding the sink.
 *
 * <p><b>Threads.</b> One poll thread owns the consumer (it is not thread-safe): it polls,
 * pauses and resumes partitions, runs the rebalance callbacks and commits. Results complete on
 * engine threads, which only touch thread-safe state (the key sequencer, the partition trackers)
 * and hand replies and dead letters to the {@link ResultPublisher}. Retries wait on a scheduler
 * thread.
 *
 * <p><b>Order and offsets.</b> Records of one partition with the same partition key reach the
 * sink one at a time in offset order ({@link KeySequencer}); other keys run alongside. A
 * partition's committed offset is the lowest record not yet finished ({@link PartitionTracker}),
 * so a crash or a rebalance redelivers, never skips. A record is finished once its reply and, for
 * a failure, its dead letter are acknowledged by the broker.
 *
 * <p><b>Backpressure.</b> When the engine asks, or when {@code max-in-flight} records are held,
 * every assigned partition is paused; the poll loop goes on (heartbeats, commits, rebalances).
 *
 * <p><b>Paused event types.</b> While a processor's circuit breaker is open the engine pauses
 * its event types ({@link TypePausableSource}). A partition mixes types, so the source does not
 * pause partitions for them: a record of a paused type is <em>held</em> (not submitted), and so
 * is an event whose attempt came back {@code UNAVAILABLE} while its type is paused. A held record
 * keeps its key's place (later records of the same key wait behind it) and keeps the partition's
 * committed offset at or below it, so a crash or a rebalance redelivers it; records of other
 * types and keys flow on. Held records count towards {@code max-in-flight}, which bounds them:
 * once it is reached every partition is paused. When the type is resumed (the breaker
 * half-opens) the held records are submitted again; when the source stops or loses the
 * partition they are left, uncommitted, for the group's next owner.
 *
 * <p><b>Dead letters.</b> A failure the engine marks {@link Result#isDeadLettered()} (its own
 * retries are used up) goes to the dead-letter topic at once, without this source's retries;
 * so does any other final failure. Dead letters go through the {@code kafka.producer}
 * {@link DependencyGuard}: while its breaker is open they fail at once instead of queueing
 * behind an unreachable cluster, and are tried again with backoff; the record stays in flight
 * and uncommitted until its dead letter is written (or, when the source stops or loses the
 * partition first, it is left for redelivery). Replies bypass the breaker.
 *
 * <p><b>Follow-on events.</b> {@link #publish} produces an event a processor emits to the first
 * configured topic, in binary mode with its partition key as record key, through the same
 * producer and guard; it completes when the broker acknowledged it ({@code acks=all}).
 *
 * <p><b>Health.</b> Up while the consumer is in its group and connected to the cluster; down
 * while it is joining, cannot poll, or has no connection to any broker (checked by the poll
 * thread about every half second, from the consumer's own metrics).
 */
public final class KafkaSource implements PausableSource, TypePausableSource,
    HealthReportingSource, PublishingSource {
  /** The name of the guard around the reply, dead-letter and follow-on producer. */
  public static final String PRODUCER = "kafka.producer";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** The error code of an event refused by an open processor breaker. */
  private static final String CIRCUIT_OPEN = "CIRCUIT_OPEN";
  private static final long HEALTH_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final KafkaSettings settings;
  private final String clientId;
  private final MeterRegistry metrics;
  private final KeySequencer<Work> sequencer = new KeySequencer<>();
  /** Poll thread only. */
  private final Map<TopicPartition, PartitionTracker> trackers = new HashMap<>();
  /** Poll thread only: partitions held for the next owner while stopping. */
  private final Set<TopicPartition> held = new HashSet<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> firstAssignment = new CompletableFuture<>();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final int resumeBelow;
  private final DependencyGuard producerGuard;
  /** Paused event type patterns by who paused them. */
  private final Map<String, Set<String>> pausedTypes = new ConcurrentHashMap<>();
  /** Records of paused types, held until their type is resumed. */
  private final ConcurrentLinkedQueue<Work> parked = new ConcurrentLinkedQueue<>();
  private volatile Health health = Health.down("not started");
  private volatile double connections;
  private long nextHealthCheck;
  private TransportMeters meters;
  private volatile boolean pauseRequested;
  private volatile boolean stopping;
  private volatile long drainDeadline;
  private volatile boolean aborted;
  private boolean paused;
  private EventSink sink;
  private Consumer<byte[], byte[]> consumer;
  private volatile ResultPublisher publisher;
  private ScheduledExecutorService scheduler;
  private Thread pollThread;
  private Counter deadLetters;
  private Counter redelivered;

  public KafkaSource(KafkaSettings settings, String serverName, MeterRegistry metrics) {
    this(settings, serverName, metrics, DependencyGuard.of(PRODUCER,
        dev.sluice.config.DependencyPolicy.DEFAULT));
  }

  /**
   * A source whose dead letters go through {@code producerGuard} (replies do not), such as the
   * server's {@code context.dependency("kafka.producer")}.
   */
  public KafkaSource(KafkaSettings settings, String serverName, MeterRegistry metrics,
      DependencyGuard producerGuard) {
    this.settings = settings;
    this.producerGuard = producerGuard;
    this.clientId = "sluice-" + serverName;
    this.metrics = metrics;
    this.resumeBelow = Math.max(1, settings.maxInFlight() * 3 / 4);
  }

  @Override
  public void start(EventSink eventSink) {
    this.sink = eventSink;
    List<String> topics = new ArrayList<>(settings.topics());
    settings.deadLetterTopic().ifPresent(topics::add);
    TopicAdmin.ensure(settings, topics, settings.createPartitions(), clientId);
    consumer = new KafkaConsumer<>(KafkaClientConfigs.consumer(settings, clientId));
    publisher = new ResultPublisher(
        new KafkaProducer<>(KafkaClientConfigs.producer(settings, clientId + "-results")),
        "sluice-kafka-results-" + settings.group());
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sluice-kafka-retries-" + settings.group());
      t.setDaemon(true);
      return t;
    });
    Tags tags = Tags.of("group", settings.group());
    metrics.gauge("sluice.kafka.source.in.flight", tags, inFlight);
    deadLetters = metrics.counter("sluice.kafka.source.dead.letters", tags);
    redelivered = metrics.counter("sluice.kafka.source.retries", tags);
    meters = TransportMeters.of(metrics, KafkaTransport.NAME);
    meters.connections(() -> connections);
    metrics.gauge("sluice.kafka.source.held", tags, parked, ConcurrentLinkedQueue::size);
    health = Health.down("joining consumer group '" + settings.group() + "'");
    pollThread = new Thread(this::pollLoop, "sluice-kafka-poll-" + settings.group());
    pollThread.start();
    try {
      firstAssignment.get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("{}: not yet assigned partitions after {}ms; it keeps trying to join group '{}'",
          describe(), settings.connectTimeout().toMillis(), settings.group());
    } catch (java.util.concurrent.ExecutionException e) {
      throw new KafkaUnavailableException("the Kafka consumer failed to start: "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String describe() {
    return "kafka://" + settings.bootstrapServers() + "/" + String.join(",", settings.topics())
        + " (group " + settings.group() + ")";
  }

  @Override
  public void pause() {
    pauseRequested = true;
  }

  @Override
  public void resume() {
    pauseRequested = false;
  }

  @Override
  public void pauseTypes(String key, Set<String> typePatterns, String reason) {
    pausedTypes.put(key, Set.copyOf(typePatterns));
    LOG.info("{}: holding events of types {}: {}", describe(), typePatterns, reason);
  }

  @Override
  public void resumeTypes(String key) {
    if (pausedTypes.remove(key) == null) {
      return;
    }
    LOG.info("{}: no longer holding events for {}; {} held event(s) to check", describe(), key,
        parked.size());
    ScheduledExecutorService s = scheduler;
    if (s != null) {
      try {
        s.execute(this::releaseParked);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // stopped: the held records stay uncommitted for the next owner
      }
    }
  }

  @Override
  public Health health() {
    return health;
  }

  private boolean isTypePaused(String type) {
    if (pausedTypes.isEmpty()) {
      return false;
    }
    for (Set<String> patterns : pausedTypes.values()) {
      for (String pattern : patterns) {
        if (TypePausableSource.matches(pattern, type)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Holds {@code w} while its type is paused; false when it may go to the engine now. */
  private boolean park(Work w) {
    if (!isTypePaused(w.event.type())) {
      return false;
    }
    parked.add(w);
    // the type may have been resumed between the check and the add: then take it back
    return isTypePaused(w.event.type()) || !parked.remove(w);
  }

  /** Submits the held records whose type is no longer paused (scheduler thread). */
  private void releaseParked() {
    for (Work w : parked) {
      if (!aborted && !stopping && !isTypePaused(w.event.type()) && parked.remove(w)) {
        retry(w);
      }
    }
  }

  /** Leaves the held records of revoked partitions, or all of them when stopping. */
  private void abandonParked(boolean all) {
    for (Work w : parked) {
      if ((all || w.tracker.isRevoked()) && parked.remove(w)) {
        releaseKey(w);
        abandon(w);
      }
    }
  }

  /**
   * Stops taking events: from now on a request that names a reply topic is answered
   * {@code UNAVAILABLE} (and counted as done), while a one-way event is left, with the rest of
   * its partition, for the group's next owner. Events already taken finish; then the offsets are
   * committed and the consumer leaves the group.
   */
  @Override
  public CompletionStage<Void> stop(Duration drainDeadline) {
    if (pollThread == null) {
      return CompletableFuture.completedFuture(null);
    }
    this.drainDeadline = System.nanoTime() + drainDeadline.toNanos();
    stopping = true;
    return drained.copy().completeOnTimeout(null, drainDeadline.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /**
   * Stops at once as a crash would: nothing more is committed or replied, and the consumer
   * closes without waiting. What was in progress is redelivered to the group's next owner. For
   * failure tests.
   */
  public void abort() {
    aborted = true;
    if (pollThread != null) {
      try {
        closed.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("{}: the poll thread did not end after abort", describe(), e);
      }
      publisher.abort();
      scheduler.shutdownNow();
    }
  }

  /** Completes once the consumer is closed, after {@link #stop} or {@link #abort}. */
  public CompletionStage<Void> closed() {
    return closed.copy();
  }

  // ---------------------------------------------------------------- poll thread

  private void pollLoop() {
    long nextCommit = System.nanoTime() + settings.commitInterval().toNanos();
    try {
      consumer.subscribe(settings.topics(), new Rebalance());
      while (!aborted) {
        if (stopping && (inFlight.get() == 0 || System.nanoTime() - drainDeadline > 0)) {
          break;
        }
        applyPause();
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(POLL_TIMEOUT);
        } catch (WakeupException e) {
          continue;
        } catch (InterruptException e) {
          throw e;
        } catch (KafkaException e) {
          LOG.error("{}: polling failed; retrying in 1s", describe(), e);
          meters.errors("connection").increment();
          health = Health.down(Map.of("error", "polling failed: " + e.getMessage(),
              "bootstrap-servers", settings.bootstrapServers()));
          nextHealthCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
          java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
          continue;
        }
        for (TopicPartition tp : records.partitions()) {
          PartitionTracker tracker = trackers.get(tp);
          for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
            take(tracker, r);
          }
        }
        if (stopping && !parked.isEmpty()) {
          abandonParked(true);
        }
        if (System.nanoTime() - nextHealthCheck >= 0) {
          checkHealth();
          nextHealthCheck = System.nanoTime() + HEALTH_EVERY_NANOS;
        }
        if (System.nanoTime() - nextCommit >= 0) {
          commitAsync();
          nextCommit = System.nanoTime() + settings.commitInterval().toNanos();
        }
      }
    } catch (RuntimeException | Error e) {
      if (!aborted) {
        LOG.error("{}: the poll loop failed; the source stops taking events", describe(), e);
      }
    } finally {
      health = Health.down("stopped");
      connections = 0;
      firstAssignment.complete(null);
      closeConsumer();
      drained.complete(null);
    }
  }

  /** Poll thread: readiness from the group membership and the consumer's connections. */
  private void checkHealth() {
    double open = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (n.name().equals("connection-count") && n.group().equals("consumer-metrics")
          && e.getValue().metricValue() instanceof Number count) {
        open = count.doubleValue();
      }
    }
    connections = open;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bootstrap-servers", settings.bootstrapServers());
    details.put("group", settings.group());
    details.put("partitions", trackers.size());
    details.put("in-flight", inFlight.get());
    if (!pausedTypes.isEmpty()) {
      details.put("held-types", List.copyOf(pausedTypes.keySet()));
      details.put("held", parked.size());
    }
    if (!firstAssignment.isDone()) {
      details.put("error", "joining consumer group '" + settings.group() + "'");
      health = Health.down(details);
    } else if (open < 1) {
      details.put("error", "no connection to the Kafka cluster; the consumer keeps trying");
      health = Health.down(details);
    } else {
      health = Health.up(details);
    }
  }

  private void closeConsumer() {
    try {
      if (aborted) {
        consumer.close(Duration.ZERO);
      } else {
        commitSync(trackers.values());
        int left = inFlight.get();
        if (left > 0) {
          LOG.warn("{}: stopped with {} events unfinished; they are redelivered to the group",
              describe(), left);
        }
        consumer.close(CLOSE_TIMEOUT);
        publisher.close(CLOSE_TIMEOUT);
        scheduler.shutdownNow();
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: closing the consumer failed", describe(), e);
    } finally {
      closed.complete(null);
    }
  }

  private void applyPause() {
    boolean want = pauseRequested
        || inFlight.get() >= (paused ? resumeBelow : settings.maxInFlight());
    if (want == paused) {
      return;
    }
    Set<TopicPartition> assigned = consumer.assignment();
    if (want) {
      consumer.pause(assigned);
    } else {
      Set<TopicPartition> resume = new HashSet<>(assigned);
      resume.removeAll(held);
      consumer.resume(resume);
    }
    paused = want;
  }

  private void take(PartitionTracker tracker, ConsumerRecord<byte[], byte[]> r) {
    if (tracker == null || tracker.isHeld()) {
      return; // not ours any more, or left for the next owner
    }
    InboundRecord in = new InboundRecord(tracker.partition(), r.offset(), r.key(), r.headers(),
        r.value());
    ReplyAddress reply = ReplyAddress.of(r.headers());
    if (stopping && reply == null) {
      // a one-way event nobody waits for: leave it, and the rest of the partition, to the group
      tracker.hold(r.offset());
      held.add(tracker.partition());
      consumer.pause(List.of(tracker.partition()));
      return;
    }
    tracker.received(r.offset());
    inFlight.incrementAndGet();
    Work w = new Work(in, tracker, reply);
    String id = KafkaEventCodec.lastText(r.headers(), KafkaHeaders.CE_PREFIX + "id");
    w.id = id == null ? "" : id;
    if (stopping) {
      finish(w, Result.failure(w.id, Status.UNAVAILABLE, "SHUTTING_DOWN",
          "the server is shutting down; send the request again"), false);
      return;
    }
    long size = KafkaEventCodec.size(r.headers(), r.value());
    meters.bytesIn().increment(size);
    if (size > settings.maxEventBytes()) {
      meters.errors("decode").increment();
      finish(w, Result.failure(w.id, Status.INVALID, "TOO_LARGE", "the event is " + size
          + " bytes, over the limit of " + settings.maxEventBytes()
          + " bytes (transport.kafka.max-event-bytes); send less data"), true);
      return;
    }
    try {
      w.event = KafkaEventCodec.decode(r.key(), r.headers(), r.value());
    } catch (InvalidEventException e) {
      meters.errors("decode").increment();
      finish(w, Result.failure(w.id, Status.INVALID, "MALFORMED",
          "the record is not a valid CloudEvent: " + String.join("; ", e.problems())), true);
      return;
    }
    w.deadline = deadline(r);
    w.sequenceKey = sequenceKey(tracker.partition(), w.event);
    if (sequencer.offer(w.sequenceKey, w)) {
      submit(w);
    }
  }

  private Instant deadline(ConsumerRecord<byte[], byte[]> r) {
    String text = KafkaEventCodec.lastText(r.headers(), KafkaHeaders.DEADLINE_MS);
    Instant fallback = Instant.now().plus(settings.eventTimeout());
    if (text != null) {
      try {
        Instant sent = Instant.ofEpochMilli(Long.parseLong(text.trim()));
        return sent.isBefore(fallback) ? sent : fallback;
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  private Object sequenceKey(TopicPartition tp, Event event) {
    return switch (settings.ordering()) {
      case KEY -> event.partitionKey().map(k -> (Object) new SequenceKey(tp, k)).orElse(null);
      case PARTITION -> tp;
      case NONE -> null;
    };
  }

  private void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    List<PartitionTracker> moved = new ArrayList<>();
    for (PartitionTracker t : trackers.values()) {
      if (t.hasNewPosition()) {
        long p = t.position();
        offsets.put(t.partition(), new OffsetAndMetadata(p));
        t.committedAt(p);
        moved.add(t);
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    consumer.commitAsync(offsets, (o, e) -> {
      if (e != null) {
        LOG.warn("{}: committing {} failed; retrying with the next commit", describe(), o, e);
        moved.forEach(t -> t.committedAt(-1));
      }
    });
  }

  private void commitSync(Collection<PartitionTracker> which) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionTracker t : which) {
      long p = t.position();
      if (p >= 0) {
        offsets.put(t.partition(), new OffsetAndMetadata(p));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warn("{}: committing {} failed; those events will be delivered again", describe(),
          offsets, e);
    }
  }

  /** Runs inside {@code poll()}, on the poll thread. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        trackers.put(tp, new PartitionTracker(tp));
      }
      if (paused && !partitions.isEmpty()) {
        consumer.pause(partitions);
      }
      LOG.info("{}: assigned {}", describe(), partitions);
      firstAssignment.complete(null);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      release(partitions, true);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      release(partitions, false);
    }

    /**
     * Lets go of partitions: events waiting behind their key are dropped (the next owner gets
     * them), events in progress get up to revoke-timeout to finish, then what finished is
     * committed, when the partitions were revoked rather than lost.
     */
    private void release(Collection<TopicPartition> partitions, boolean commit) {
      List<PartitionTracker> gone = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        PartitionTracker t = trackers.remove(tp);
        held.remove(tp);
        if (t != null) {
          t.revoke();
          gone.add(t);
        }
      }
      if (gone.isEmpty()) {
        return;
      }
      for (Work w : sequencer.removeWaiting(w -> w.tracker.isRevoked())) {
        abandon(w);
      }
      abandonParked(false);
      if (commit && !aborted) {
        long deadline = System.nanoTime() + settings.revokeTimeout().toNanos();
        if (stopping && drainDeadline - deadline < 0) {
          deadline = drainDeadline; // a stopping server waits no longer than its drain allows
        }
        try {
          for (PartitionTracker t : gone) {
            if (!t.awaitIdle(Math.max(0, deadline - System.nanoTime()))) {
              LOG.warn("{}: {} still had events in progress after {}ms; the next owner gets "
                  + "them again", describe(), t, settings.revokeTimeout().toMillis());
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        commitSync(gone);
      }
      LOG.info("{}: {} {}", describe(), commit ? "revoked" : "lost", partitions);
    }
  }

  // ---------------------------------------------------------------- any thread

  private void submit(Work w) {
    if (park(w)) {
      return;
    }
    w.attempts++;
    CompletionStage<Result> stage;
    try {
      stage = sink.submit(w.event, Delivery.of(KafkaTransport.NAME, w.deadline)
          .withRemoteAddress(w.in.partition() + "@" + w.in.offset()));
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((r, t) -> onResult(w, r, t));
  }

  private void onResult(Work w, Result r, Throwable t) {
    if (aborted) {
      return;
    }
    Result result = r != null ? r : Result.failure(w.event.id(), Status.ERROR, "INTERNAL",
        "the server failed while processing the event: " + t);
    if (isRetryable(result) && result.errorCode().filter(CIRCUIT_OPEN::equals).isPresent()) {
      // turned away by an open (or half-open) breaker: not an attempt of the processor
      w.attempts--;
      w.refusals++;
      if (!stopping && park(w)) {
        return;
      }
    }
    if (isRetryable(result) && w.tracker.isRevoked()) {
      releaseKey(w);
      abandon(w); // the partition's next owner processes it
      return;
    }
    if (isRetryable(result) && !result.isDeadLettered() && w.attempts < settings.maxAttempts()
        && !stopping) {
      long backoff = backoffNanos(w.attempts + w.refusals);
      if (Instant.now().plusNanos(backoff).isBefore(w.deadline)) {
        redelivered.increment();
        scheduler.schedule(() -> retry(w), backoff, TimeUnit.NANOSECONDS);
        return;
      }
    }
    releaseKey(w);
    finish(w, result, true);
  }

  private void retry(Work w) {
    if (aborted) {
      return;
    }
    if (w.tracker.isRevoked()) {
      releaseKey(w);
      abandon(w);
      return;
    }
    submit(w);
  }

  private static boolean isRetryable(Result r) {
    return r.status() == Status.OVERLOADED || r.status() == Status.UNAVAILABLE;
  }

  /** Lets the next event of the same key go. */
  private void releaseKey(Work w) {
    Work next = sequencer.finished(w.sequenceKey);
    while (next != null && next.tracker.isRevoked()) {
      abandon(next);
      next = sequencer.finished(next.sequenceKey);
    }
    if (next != null) {
      submit(next);
    }
  }

  /**
   * Delivers the final result: the reply to the sender, and for a failure the dead letter; the
   * record counts as finished once the broker has both.
   */
  private void finish(Work w, Result result, boolean deadLetterFailures) {
    // Replies bypass the producer's breaker: a slow broker must delay a reply, not drop it (a
    // refused reply would leave its sender waiting for its deadline while the offset moves on).
    CompletableFuture<Void> reply = w.reply == null ? CompletableFuture.completedFuture(null)
        : publisher.reply(w.reply, result).whenComplete((v, e) -> {
          if (e == null) {
            meters.bytesOut().increment(result.hasData() ? result.data().length : 0);
          } else if (!aborted) {
            meters.errors("publish").increment();
            LOG.warn("{}: could not reply to {} for event '{}' ({}@{}): {}", describe(),
                w.reply.topic(), w.id, w.in.partition(), w.in.offset(), e.toString());
          }
        });
    CompletableFuture<Void> letter = CompletableFuture.completedFuture(null);
    if (deadLetterFailures && !result.isOk()) {
      LOG.warn("{}: event '{}' ({}@{}) failed after {} attempt(s): {} {} {}", describe(), w.id,
          w.in.partition(), w.in.offset(), w.attempts, result.status(),
          result.errorCode().orElse(""), result.errorMessage().orElse(""));
      if (settings.deadLetterTopic().isPresent()) {
        deadLetters.increment();
        letter = new CompletableFuture<>();
        sendDeadLetter(w, result, letter, 1);
      }
    }
    CompletableFuture.allOf(reply.exceptionally(e -> null), letter).whenComplete((v, e) -> {
      if (aborted) {
        return;
      }
      if (e == null) {
        w.tracker.completed(w.in.offset());
        inFlight.decrementAndGet();
      } else {
        abandon(w); // no dead letter: left uncommitted, so the record is delivered again
      }
    });
  }

  /** {@code retry-backoff} doubled for each attempt after the first, at most 5 s. */
  private long backoffNanos(int attempt) {
    return Math.min(MAX_BACKOFF_NANOS,
        settings.retryBackoff().toNanos() << Math.min(20, Math.max(0, attempt - 1)));
  }

  /**
   * Produces the dead letter of {@code w}; while the cluster refuses it (or the producer's
   * breaker is open) it tries again with backoff, and the record stays in flight, uncommitted.
   * {@code done} fails only when the source stops or loses the partition first.
   */
  private void sendDeadLetter(Work w, Result result, CompletableFuture<Void> done, int attempt) {
    String topic = settings.deadLetterTopic().orElseThrow();
    guarded(() -> publisher.deadLetter(topic, w.in, result, w.attempts)).whenComplete((v, e) -> {
      if (e == null) {
        done.complete(null);
        return;
      }
      if (aborted) {
        done.completeExceptionally(e);
        return;
      }
      meters.errors("publish").increment();
      if (stopping || w.tracker.isRevoked()) {
        LOG.warn("{}: could not dead-letter event '{}' ({}@{}) to '{}': {}; it stays uncommitted"
            + " and is delivered again", describe(), w.id, w.in.partition(), w.in.offset(), topic,
            e.toString());
        done.completeExceptionally(e);
        return;
      }
      long delay = backoffNanos(attempt);
      LOG.warn("{}: could not dead-letter event '{}' ({}@{}) to '{}' (attempt {}): {}; trying"
          + " again in {}ms, the record stays uncommitted meanwhile", describe(), w.id,
          w.in.partition(), w.in.offset(), topic, attempt, e.toString(),
          TimeUnit.NANOSECONDS.toMillis(delay));
      try {
        scheduler.schedule(() -> sendDeadLetter(w, result, done, attempt + 1), delay,
            TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException stopped) {
        done.completeExceptionally(e);
      }
    });
  }

  @Override
  public CompletionStage<Void> publish(Event event) {
    ResultPublisher p = publisher;
    if (p == null || aborted) {
      return CompletableFuture.failedFuture(new KafkaUnavailableException(
          "the Kafka source is not running", null));
    }
    String topic = settings.topics().get(0);
    meters.bytesOut().increment(event.dataLength());
    return guarded(() -> p.event(topic, event)).whenComplete((v, e) -> {
      if (e != null) {
        meters.errors("publish").increment();
      }
    });
  }

  private CompletableFuture<Void> guarded(
      java.util.function.Supplier<CompletableFuture<Void>> send) {
    return producerGuard.<Void>call(send::get).toCompletableFuture();
  }

  private void abandon(Work w) {
    w.tracker.abandoned();
    inFlight.decrementAndGet();
  }

  /** The ordering key of {@code ordering: key}: the partition and the partition key. */
  private record SequenceKey(TopicPartition partition, String key) {
  }

  /** One record on its way through the source. */
  private static final class Work {
    final InboundRecord in;
    final PartitionTracker tracker;
    final ReplyAddress reply;
    String id;
    Event event;
    Instant deadline;
    Object sequenceKey;
    int attempts;
    int refusals;

    Work(InboundRecord in, PartitionTracker tracker, ReplyAddress reply) {
      this.in = in;
      this.tracker = tracker;
      this.reply = reply;
    }
  }
}
