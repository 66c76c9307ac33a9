package dev.sluice.transport.kafka.internal;

import dev.sluice.transport.kafka.KafkaSettings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Whether any server is in the consumer group, so that a client refuses a request at once
 * ({@code UNAVAILABLE}, nothing sent) rather than leaving it in a topic nobody reads. An answer
 * is reused for {@link #FRESH_NANOS}, and forgotten when a server says it is shutting down. When
 * the group cannot be described (no DESCRIBE permission), requests are let through. Thread-safe.
 */
final class GroupWatch {
  static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final KafkaSettings settings;
  private CompletableFuture<Boolean> current;
  private long checkedAt;
  private boolean invalid;

  GroupWatch(KafkaSettings settings) {
    this.settings = settings;
  }

  /** Completes with true when the group has members (or cannot be told), false when empty. */
  synchronized CompletableFuture<Boolean> serving(Admin admin) {
    long now = System.nanoTime();
    if (current != null && !invalid
        && (!current.isDone() || now - checkedAt < FRESH_NANOS)) {
      return current;
    }
    invalid = false;
    checkedAt = now;
    CompletableFuture<Boolean> check = new CompletableFuture<>();
    current = check;
    String group = settings.group();
    admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
        .whenComplete((description, e) -> {
          if (e == null) {
            check.complete(!description.members().isEmpty());
          } else {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            check.complete(!(cause instanceof GroupIdNotFoundException));
          }
        });
    return check;
  }

  synchronized void invalidate() {
    invalid = true;
  }
}
