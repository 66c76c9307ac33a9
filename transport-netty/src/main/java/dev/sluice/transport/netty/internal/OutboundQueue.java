package dev.sluice.transport.netty.internal;

import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands work from any thread to a channel's event loop in batches: each {@link #offer} queues
 * an item, and at most one drain task is scheduled at a time; the task writes everything queued
 * and flushes once. Many results completing together cost one wake-up and one flush (one TLS
 * record and one syscall where they fit), instead of one each.
 */
final class OutboundQueue<T> {
  private final Queue<T> queue = PlatformDependent.newMpscQueue();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Channel channel;
  private final Consumer<T> write;
  private final Runnable drain = this::drain;

  OutboundQueue(Channel channel, Consumer<T> write) {
    this.channel = channel;
    this.write = write;
  }

  void offer(T item) {
    queue.offer(item);
    if (scheduled.compareAndSet(false, true)) {
      channel.eventLoop().execute(drain);
    }
  }

  /** Writes what is queued and flushes; on the event loop. */
  void drain() {
    scheduled.set(false);
    T item;
    boolean any = false;
    while ((item = queue.poll()) != null) {
      write.accept(item);
      any = true;
    }
    if (any) {
      channel.flush();
    }
  }

  /** Takes everything queued, for failing it when the channel closed. */
  void drainTo(Consumer<T> sink) {
    T item;
    while ((item = queue.poll()) != null) {
      sink.accept(item);
    }
  }
}
