package dev.sluice.transport.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Publishes on one channel in confirm mode; each publish's stage completes when the broker has
 * taken responsibility for the message (basic.ack), and fails on a nack or when the channel
 * closes first. Thread-safe: publishes are serialised so that sequence numbers match.
 */
final class ConfirmingPublisher {
  private final Channel channel;
  private final String what;
  private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed =
      new ConcurrentSkipListMap<>();

  ConfirmingPublisher(Channel channel, String what) throws IOException {
    this.channel = channel;
    this.what = what;
    channel.confirmSelect();
    channel.addConfirmListener(new ConfirmListener() {
      @Override
      public void handleAck(long tag, boolean multiple) {
        settle(tag, multiple, null);
      }

      @Override
      public void handleNack(long tag, boolean multiple) {
        settle(tag, multiple, new IOException("the broker refused the " + what
            + " (basic.nack); it is not stored"));
      }
    });
    channel.addShutdownListener(this::failAll);
  }

  /** Publishes; the stage completes once confirmed. Never throws. */
  CompletableFuture<Void> publish(String exchange, String routingKey, AMQP.BasicProperties props,
      byte[] body) {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    synchronized (this) {
      long seq = channel.getNextPublishSeqNo();
      unconfirmed.put(seq, confirmed);
      try {
        channel.basicPublish(exchange, routingKey, false, props, body);
      } catch (IOException | RuntimeException e) {
        unconfirmed.remove(seq);
        confirmed.completeExceptionally(new IOException("could not publish the " + what + ": "
            + e.getMessage(), e));
      }
    }
    return confirmed;
  }

  private void settle(long tag, boolean multiple, Throwable failure) {
    Map<Long, CompletableFuture<Void>> done = multiple
        ? unconfirmed.headMap(tag, true) : singleton(tag);
    for (Long seq : done.keySet().toArray(Long[]::new)) {
      CompletableFuture<Void> f = unconfirmed.remove(seq);
      if (f != null) {
        if (failure == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(failure);
        }
      }
    }
  }

  private Map<Long, CompletableFuture<Void>> singleton(long tag) {
    CompletableFuture<Void> f = unconfirmed.get(tag);
    return f == null ? Map.of() : Map.of(tag, f);
  }

  private void failAll(ShutdownSignalException cause) {
    IOException failure = new IOException("the channel closed before the broker confirmed the "
        + what + " (" + cause.getMessage() + "); it may not be stored");
    for (Long seq : unconfirmed.keySet().toArray(Long[]::new)) {
      CompletableFuture<Void> f = unconfirmed.remove(seq);
      if (f != null) {
        f.completeExceptionally(failure);
      }
    }
  }
}
