package dev.sluice.transport.rabbitmq.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.sluice.transport.rabbitmq.RabbitMqSettings;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Declares the queue, its exchange and bindings, and the dead-letter exchange and queue. */
final class Topology {
  private Topology() {
  }

  /**
   * Declares everything on {@code connection}'s channel {@code channel}, which must stay open:
   * automatic topology recovery declares everything again on the channel that declared it.
   * A refused declaration closes the channel.
   *
   * @throws IOException naming what could not be declared and how to fix it
   */
  static void declare(Channel connection, RabbitMqSettings s) throws IOException {
    String dlx = s.deadLetterExchange();
    run(connection, "dead-letter exchange '" + dlx + "' (fanout, durable)",
        "transport.rabbitmq.dead-letter-exchange",
        ch -> ch.exchangeDeclare(dlx, "fanout", true));
    run(connection, "dead-letter queue '" + s.deadLetterQueue() + "' (durable)",
        "transport.rabbitmq.dead-letter-queue", ch -> {
          ch.queueDeclare(s.deadLetterQueue(), true, false, false, queueArguments(s, false));
          ch.queueBind(s.deadLetterQueue(), dlx, "");
        });
    run(connection, "queue '" + s.queue() + "' (durable, "
            + s.queueType().name().toLowerCase(Locale.ROOT) + ", dead letters to '" + dlx
            + "')", "transport.rabbitmq.queue",
        ch -> ch.queueDeclare(s.queue(), true, false, false, queueArguments(s, true)));
    if (s.exchange().isPresent()) {
      String exchange = s.exchange().get();
      run(connection, "exchange '" + exchange + "' ("
              + s.exchangeType().name().toLowerCase(Locale.ROOT) + ", durable)",
          "transport.rabbitmq.exchange", ch -> {
            ch.exchangeDeclare(exchange, s.exchangeType().name().toLowerCase(Locale.ROOT), true);
            for (String key : s.routingKeys()) {
              ch.queueBind(s.queue(), exchange, key);
            }
          });
    }
  }

  private static Map<String, Object> queueArguments(RabbitMqSettings s, boolean main) {
    Map<String, Object> args = new HashMap<>();
    args.put("x-queue-type", s.queueType().name().toLowerCase(Locale.ROOT));
    if (main) {
      args.put("x-dead-letter-exchange", s.deadLetterExchange());
    }
    return args;
  }

  private interface Declaration {
    void run(Channel channel) throws IOException;
  }

  private static void run(Channel channel, String what, String key, Declaration d)
      throws IOException {
    try {
      d.run(channel);
    } catch (IOException e) {
      ShutdownSignalException signal = e.getCause() instanceof ShutdownSignalException sse
          ? sse : null;
      String reason = signal != null && signal.getReason() != null
          ? signal.getReason().toString() : e.getMessage();
      throw new IOException("RabbitMQ refused to declare the " + what + ": " + reason
          + ". If it already exists with other settings (type, durability, arguments), delete it"
          + " or change " + key + " (or queue-type) to match", e);
    }
  }
}
