package dev.sluice.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.event.Event;
import dev.sluice.event.Status;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where netty-tcnative does not load (this JVM runs with io.netty.handler.ssl.noOpenSsl, in a
 * surefire execution of its own): engine auto serves with the JDK's TLS and says so, engine
 * openssl refuses to start and says what to do.
 */
class OpenSslUnavailableTest {
  @TempDir
  Path dir;

  @Test
  void autoFallsBackToTheJdkAndOpensslRefusesToStart() throws Exception {
    assertThat(OpenSsl.isAvailable()).as("this JVM keeps netty-tcnative from loading").isFalse();
    try (LogLines log = LogLines.of("dev.sluice.transport.netty");
        ServerHarness server = ServerHarness.echo(dir, Map.of("engine", "auto"))) {
      assertThat(log.infos()).anySatisfy(line -> assertThat(line)
          .contains("listening on tls://").contains("TLS via the JDK"));
      Event event = Event.builder().id("jdk-1").source("/test").type("test.echo")
          .data("via the jdk", "text/plain").build();
      assertThat(server.client().send(event, Duration.ofSeconds(30)).toCompletableFuture()
          .get(35, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
    }
    assertThatThrownBy(() -> ServerHarness.echo(dir, Map.of("engine", "openssl")))
        .hasMessageContaining("transport.netty.engine is openssl")
        .hasMessageContaining("use auto or jdk");
  }
}
