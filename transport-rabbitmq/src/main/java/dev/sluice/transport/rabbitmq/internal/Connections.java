package dev.sluice.transport.rabbitmq.internal;

import com.rabbitmq.client.ConnectionFactory;
import dev.sluice.transport.rabbitmq.RabbitMqSettings;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;

/** Connection factories configured from the settings, with recovery and TLS. */
final class Connections {
  private Connections() {
  }

  /**
   * A factory with automatic connection and topology recovery.
   *
   * @throws IllegalStateException when the TLS context cannot be built, naming the cause
   */
  static ConnectionFactory factory(RabbitMqSettings settings, SslContexts tls,
      String role) {
    ConnectionFactory f = new ConnectionFactory();
    try {
      f.setUri(new URI(settings.uri().reveal()));
    } catch (Exception e) {
      // The URI was validated; a failure here is the JDK's default TLS context.
      throw new IllegalStateException("transport.rabbitmq.uri " + settings.maskedUri()
          + " could not be used: " + e.getMessage(), e);
    }
    if (settings.tlsEnabled()) {
      try {
        // setUri("amqps://...") installs a trust-everything context: replace it.
        f.useSslProtocol(tls.get());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new IllegalStateException("TLS for RabbitMQ " + settings.maskedUri()
            + " could not be set up: " + e.getMessage(), e);
      }
      f.enableHostnameVerification();
      if (f.getPort() == ConnectionFactory.DEFAULT_AMQP_PORT
          && !settings.uri().reveal().matches("(?i)amqps?://[^/]*:\\d+.*")) {
        f.setPort(ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT);
      }
    }
    f.setConnectionTimeout((int) settings.connectionTimeout().toMillis());
    f.setHandshakeTimeout((int) Math.max(settings.connectionTimeout().toMillis(), 1_000));
    f.setRequestedHeartbeat((int) Math.max(1, settings.heartbeat().toSeconds()));
    f.setAutomaticRecoveryEnabled(true);
    f.setTopologyRecoveryEnabled(true);
    f.setNetworkRecoveryInterval(settings.recoveryInterval().toMillis());
    Map<String, Object> props = new HashMap<>(f.getClientProperties());
    props.put("connection_name", role);
    f.setClientProperties(props);
    return f;
  }
}
