package dev.sluice.benchmarks.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Removes what a benchmark run declared: {@code uri delete name...} deletes each name as a
 * queue, and names ending in {@code .dlx} as exchanges. Missing ones are skipped.
 */
public final class BenchQueues {
  private BenchQueues() {
  }

  public static void main(String[] args) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(args[0]);
    try (Connection connection = factory.newConnection("bench-cleanup")) {
      for (int i = 2; i < args.length; i++) {
        try (Channel channel = connection.createChannel()) {
          if (args[i].endsWith(".dlx")) {
            channel.exchangeDelete(args[i]);
          } else {
            channel.queueDelete(args[i]);
          }
        } catch (Exception e) {
          System.err.println("skipped " + args[i] + ": " + e.getMessage());
        }
      }
    }
  }
}
