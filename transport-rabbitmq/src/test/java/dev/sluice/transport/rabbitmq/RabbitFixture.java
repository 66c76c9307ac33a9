package dev.sluice.transport.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.spi.SluicePlugin;
import dev.sluice.testkit.RabbitMqService;
import dev.sluice.testkit.TransportFixture;
import dev.sluice.transport.rabbitmq.internal.AmqpEventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A queue of its own on the test broker, and a raw AMQP requester that puts any message on the
 * wire as a client in another language would. Closing deletes the queue and its dead-letter
 * exchange and queue.
 */
final class RabbitFixture implements TransportFixture {
  static final int MAX_EVENT_BYTES = 64 * 1024;

  final RabbitMqService rabbit = RabbitMqService.get();
  final String queue = rabbit.newQueueName();
  private final Map<String, Object> extra;
  private Connection raw;
  private Channel rawChannel;
  private final Map<String, CompletableFuture<Result>> replies = new ConcurrentHashMap<>();

  RabbitFixture() {
    this(Map.of());
  }

  /** With extra keys in the transport section. */
  RabbitFixture(Map<String, Object> extra) {
    this.extra = extra;
  }

  @Override
  public String type() {
    return RabbitMqTransport.NAME;
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("uri", rabbit.uri());
    s.put("queue", queue);
    s.put("max-event-bytes", MAX_EVENT_BYTES);
    s.putAll(extra);
    return s;
  }

  @Override
  public List<SluicePlugin> plugins() {
    return List.of(new RabbitMqPlugin());
  }

  @Override
  public int maxEventBytes() {
    return MAX_EVENT_BYTES;
  }

  /** The body plus the cloudEvents: headers (names with prefix, values) and the content type. */
  @Override
  public int maxDataBytes(Event e) {
    int size = header("specversion", e.specVersion()) + header("id", e.id())
        + header("source", e.source()) + header("type", e.type())
        + e.subject().map(v -> header("subject", v)).orElse(0)
        + e.time().map(v -> header("time", v.toString())).orElse(0)
        + e.dataSchema().map(v -> header("dataschema", v)).orElse(0)
        + e.dataContentType().map(RabbitFixture::utf8).orElse(0)
        + e.extensions().entrySet().stream().mapToInt(x -> header(x.getKey(), x.getValue()))
            .sum();
    return MAX_EVENT_BYTES - size;
  }

  private static int header(String name, String value) {
    return utf8(RabbitMqHeaders.CE_PREFIX + name) + utf8(value);
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Attributes become cloudEvents: headers, datacontenttype the content type, data the body. */
  @Override
  public CompletionStage<Result> sendRaw(Map<String, Object> message, Duration timeout) {
    Map<String, Object> headers = new HashMap<>();
    String contentType = null;
    byte[] body = new byte[0];
    for (Map.Entry<String, Object> e : message.entrySet()) {
      switch (e.getKey()) {
        case "data" -> body = (byte[]) e.getValue();
        case "datacontenttype" -> contentType = String.valueOf(e.getValue());
        default -> headers.put(RabbitMqHeaders.CE_PREFIX + e.getKey(), e.getValue());
      }
    }
    return request(new AMQP.BasicProperties.Builder().contentType(contentType).headers(headers),
        body, timeout);
  }

  /** Publishes a raw message as a request to the queue and waits for its reply. */
  synchronized CompletableFuture<Result> request(AMQP.BasicProperties.Builder props, byte[] body,
      Duration timeout) {
    try {
      if (raw == null) {
        raw = rabbit.newConnectionFactory().newConnection("raw-test-client");
        rawChannel = raw.createChannel();
        rawChannel.basicConsume("amq.rabbitmq.reply-to", true, new DefaultConsumer(rawChannel) {
          @Override
          public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p,
              byte[] b) {
            CompletableFuture<Result> f = replies.remove(p.getCorrelationId());
            if (f != null) {
              f.complete(AmqpEventCodec.decodeReply(p, b, ""));
            }
          }
        });
      }
      String correlationId = UUID.randomUUID().toString();
      CompletableFuture<Result> f = new CompletableFuture<>();
      replies.put(correlationId, f);
      rawChannel.basicPublish("", queue, props.replyTo("amq.rabbitmq.reply-to")
          .correlationId(correlationId).build(), body);
      return f.completeOnTimeout(Result.failure("", Status.TIMEOUT, "RAW_TIMEOUT",
          "no reply to the raw request"), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Publishes a raw message without reply_to. */
  synchronized void publish(AMQP.BasicProperties props, byte[] body) throws Exception {
    try (Connection c = rabbit.newConnectionFactory().newConnection("raw-test-publisher");
        Channel ch = c.createChannel()) {
      ch.confirmSelect();
      ch.basicPublish("", queue, props, body);
      ch.waitForConfirmsOrDie(10_000);
    }
  }

  String deadLetterQueue() {
    return queue + ".dead";
  }

  @Override
  public void close() throws Exception {
    if (raw != null) {
      raw.abort();
    }
    try (Connection c = rabbit.newConnectionFactory().newConnection("raw-test-cleanup");
        Channel ch = c.createChannel()) {
      ch.queueDelete(queue);
      ch.queueDelete(deadLetterQueue());
      ch.exchangeDelete(queue + ".dlx");
    } catch (IOException e) {
      // already gone
    }
  }
}
