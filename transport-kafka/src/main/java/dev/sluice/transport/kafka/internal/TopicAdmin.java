package dev.sluice.transport.kafka.internal;

import dev.sluice.transport.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Checks that topics exist, and creates the missing ones when that is allowed. */
final class TopicAdmin {
  private TopicAdmin() {
  }

  /**
   * Makes sure {@code topics} exist, creating the missing ones with {@code partitions} when
   * {@code create-topics.allowed}.
   *
   * @throws KafkaUnavailableException when the cluster does not answer within connect-timeout,
   *     or a topic is missing and may not be created
   */
  static void ensure(KafkaSettings s, Collection<String> topics, int partitions, String who) {
    try (Admin admin = Admin.create(KafkaClientConfigs.admin(s, who + "-admin"))) {
      ensure(admin, s, topics, partitions);
    }
  }

  static void ensure(Admin admin, KafkaSettings s, Collection<String> topics, int partitions) {
    long timeout = s.connectTimeout().toMillis();
    Set<String> existing;
    try {
      existing = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw unreachable(s, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while listing Kafka topics", e);
    }
    Set<String> missing = new TreeSet<>(topics);
    missing.removeAll(existing);
    if (missing.isEmpty()) {
      return;
    }
    if (!s.createTopicsAllowed()) {
      throw new KafkaUnavailableException("Kafka at " + s.bootstrapServers() + " has no topic "
          + missing + " and transport.kafka.create-topics.allowed is false; create "
          + (missing.size() == 1 ? "it" : "them") + " or allow Sluice to", null);
    }
    List<NewTopic> create = new ArrayList<>();
    for (String topic : missing) {
      create.add(new NewTopic(topic, Optional.of(partitions), s.createReplication()));
    }
    try {
      for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e
          : admin.createTopics(create).values().entrySet()) {
        try {
          e.getValue().get(timeout, TimeUnit.MILLISECONDS);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) { // another server was first
            throw new KafkaUnavailableException("could not create topic '" + e.getKey()
                + "' on Kafka " + s.bootstrapServers() + ": " + ex.getCause().getMessage()
                + "; create it yourself or fix transport.kafka.create-topics", ex.getCause());
          }
        }
      }
    } catch (TimeoutException e) {
      throw unreachable(s, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while creating Kafka topics", e);
    }
  }

  static void delete(KafkaSettings s, String topic, Duration timeout, String who) {
    try (Admin admin = Admin.create(KafkaClientConfigs.admin(s, who + "-admin"))) {
      admin.deleteTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(TopicAdmin.class)
          .warn("could not delete reply topic '{}': {}", topic, String.valueOf(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static KafkaUnavailableException unreachable(KafkaSettings s, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new KafkaUnavailableException("could not reach Kafka at " + s.bootstrapServers()
        + " within " + s.connectTimeout().toMillis() + "ms (transport.kafka.connect-timeout): "
        + cause + "; check transport.kafka.bootstrap-servers and that the brokers are up", cause);
  }
}
