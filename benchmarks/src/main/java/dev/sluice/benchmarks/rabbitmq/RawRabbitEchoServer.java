package dev.sluice.benchmarks.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The baseline for the RabbitMQ comparison: the plainest amqp-client server that answers a
 * Sluice client. It consumes a durable queue with manual acknowledgement and a prefetch,
 * publishes each body back to {@code reply_to} with the {@code correlation_id} and the reply
 * headers a Sluice client reads ({@code sluice-status: OK}, {@code sluice-event-id}), then
 * acknowledges. No decoding, no dispatch, no processor: what any RPC server over RabbitMQ
 * costs at least.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.rabbitmq.RawRabbitEchoServer \
 *     [uri] [queue] [prefetch]
 * </pre>
 * Defaults: {@code amqp://guest:guest@127.0.0.1:5672/%2F}, {@code sluice.bench.raw}, 250. Runs
 * until killed.
 */
public final class RawRabbitEchoServer {
  private RawRabbitEchoServer() {
  }

  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 ? args[0] : "amqp://guest:guest@127.0.0.1:5672/%2F";
    String queue = args.length > 1 ? args[1] : "sluice.bench.raw";
    int prefetch = args.length > 2 ? Integer.parseInt(args[2]) : 250;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    Connection connection = factory.newConnection("raw-echo-server");
    Channel channel = connection.createChannel();
    channel.queueDeclare(queue, true, false, false, null);
    channel.basicQos(prefetch);
    channel.basicConsume(queue, false, new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props,
          byte[] body) throws IOException {
        Map<String, Object> headers = new HashMap<>(4);
        headers.put("sluice-status", "OK");
        Object id = props.getHeaders() == null ? null : props.getHeaders().get("cloudEvents:id");
        headers.put("sluice-event-id", id == null ? "" : id.toString());
        AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
            .correlationId(props.getCorrelationId()).contentType(props.getContentType())
            .headers(headers).build();
        if (props.getReplyTo() != null) {
          channel.basicPublish("", props.getReplyTo(), reply, body);
        }
        channel.basicAck(envelope.getDeliveryTag(), false);
      }
    });
    System.out.println("raw echo server consuming " + queue + " (prefetch " + prefetch + ")");
    new CountDownLatch(1).await();
  }
}
