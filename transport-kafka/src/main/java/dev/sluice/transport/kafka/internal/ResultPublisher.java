package dev.sluice.transport.kafka.internal;

import static dev.sluice.transport.kafka.internal.KafkaEventCodec.put;

import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.transport.kafka.KafkaHeaders;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Produces the server's replies, dead letters and follow-on events with one idempotent
 * producer. Sends are handed to one thread of their own: {@code send} blocks while it fetches a
 * topic's metadata, and the callers are engine threads, which must not block.
 */
final class ResultPublisher {
  private final Producer<byte[], byte[]> producer;
  private final ExecutorService sender;

  ResultPublisher(Producer<byte[], byte[]> producer, String name) {
    this.producer = producer;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Sends {@code result} to the request's reply topic; completes when the broker has it. */
  CompletableFuture<Void> reply(ReplyAddress to, Result result) {
    RecordHeaders h = new RecordHeaders();
    put(h, KafkaHeaders.CORRELATION_ID, to.correlationId());
    put(h, KafkaHeaders.EVENT_ID, result.eventId());
    put(h, KafkaHeaders.STATUS, result.status().name());
    result.dataContentType().ifPresent(ct -> put(h, KafkaHeaders.CONTENT_TYPE, ct));
    result.errorCode().ifPresent(c -> put(h, KafkaHeaders.ERROR_CODE, c));
    result.errorMessage().ifPresent(m -> put(h, KafkaHeaders.ERROR_MESSAGE, m));
    byte[] noKey = null;
    byte[] value = result.hasData() ? result.data() : null;
    return send(new ProducerRecord<>(to.topic(), to.partition(), noKey, value, h));
  }

  /**
   * Sends a follow-on event to {@code topic} in binary mode, keyed by its partition key;
   * completes when the broker has it.
   */
  CompletableFuture<Void> event(String topic, Event event) {
    return send(new ProducerRecord<>(topic, null, KafkaEventCodec.encodeKey(event),
        KafkaEventCodec.encodeValue(event), KafkaEventCodec.encodeHeaders(event)));
  }

  /**
   * Sends the original record to {@code topic} with the failure in headers; completes when the
   * broker has it.
   */
  CompletableFuture<Void> deadLetter(String topic, InboundRecord original, Result failure,
      int attempts) {
    RecordHeaders h = new RecordHeaders();
    for (Header header : original.headers()) {
      h.add(header);
    }
    put(h, KafkaHeaders.STATUS, failure.status().name());
    failure.errorCode().ifPresent(c -> put(h, KafkaHeaders.ERROR_CODE, c));
    failure.errorMessage().ifPresent(m -> put(h, KafkaHeaders.ERROR_MESSAGE, m));
    put(h, KafkaHeaders.ORIGINAL_TOPIC, original.partition().topic());
    put(h, KafkaHeaders.ORIGINAL_PARTITION, Integer.toString(original.partition().partition()));
    put(h, KafkaHeaders.ORIGINAL_OFFSET, Long.toString(original.offset()));
    put(h, KafkaHeaders.ATTEMPTS, Integer.toString(attempts));
    return send(new ProducerRecord<>(topic, null, original.key(), original.value(), h));
  }

  private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      sender.execute(() -> {
        try {
          producer.send(record, (metadata, e) -> {
            if (e != null) {
              done.completeExceptionally(e);
            } else {
              done.complete(null);
            }
          });
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new IllegalStateException("the source is closed", e));
    }
    return done;
  }

  /** Sends what is queued, waits up to {@code timeout} for acknowledgements, and closes. */
  void close(Duration timeout) {
    sender.shutdown();
    try {
      sender.awaitTermination(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(timeout);
  }

  /** Drops what is queued and closes at once, as a crash would. */
  void abort() {
    sender.shutdownNow();
    producer.close(Duration.ZERO);
  }
}
