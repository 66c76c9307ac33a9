package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class RabbitMqServiceTest {
  private final RabbitMqService rabbit = RabbitMqService.get();

  @Test
  void publishesAndGetsOnAUniqueQueue() throws Exception {
    try (TestQueue queue = rabbit.declareQueue();
        Connection connection = rabbit.newConnectionFactory().newConnection();
        Channel channel = connection.createChannel()) {
      assertThat(queue.name()).startsWith("sluice-test-");
      assertThat(rabbit.newQueueName()).isNotEqualTo(queue.name());
      channel.confirmSelect();
      channel.basicPublish("", queue.name(), MessageProperties.PERSISTENT_BASIC,
          "hello".getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);

      GetResponse got = Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> channel.basicGet(queue.name(), true), Objects::nonNull);
      assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
  }

  @Test
  void exposesTheBrokerAddress() {
    assertThat(rabbit.uri()).startsWith("amqp://");
    assertThat(rabbit.port()).isPositive();
    assertThat(rabbit.toString()).doesNotContain(rabbit.password().isEmpty() ? "\0"
        : ":" + rabbit.password() + "@");
  }
}
