package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.SluiceClients;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.EventClient;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice serve}: starts, serves, and on a stop request drains and exits 0. */
class ServeCommandTest {
  @TempDir
  Path directory;

  @Test
  void servesUntilStoppedThenFinishesWhatIsInFlightAndExitsZero() throws Exception {
    String address = TestConfigs.newAddress();
    Path file = TestConfigs.write(directory, TestConfigs.yaml(address, directory));
    ServeControl control = ServeControl.manual();
    CompletableFuture<CliRun> serve = CompletableFuture.supplyAsync(() -> CliRun.run(
        CliContext.of(InputStream.nullInputStream(), control), "serve", "-c", file.toString()));

    assertThat(control.awaitReady(30_000)).as("ready").isTrue();
    try (Plugins plugins = Plugins.fromClasspath();
        EventClient client = SluiceClients.open(SluiceConfig.load(file), plugins, directory)) {
      Result echo = client.send(event("example.echo", "1"), Duration.ofSeconds(10))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(echo.status()).isEqualTo(Status.OK);

      CompletableFuture<Result> inFlight = client.send(event("test.slow", "2"),
          Duration.ofSeconds(20)).toCompletableFuture();
      control.requestStop();

      assertThat(inFlight.get(30, TimeUnit.SECONDS).status()).as("in flight at the stop")
          .isEqualTo(Status.OK);
    }
    CliRun run = serve.get(60, TimeUnit.SECONDS);
    assertThat(run.exitCode()).isZero();
    assertThat(control.awaitStopped(1_000)).isTrue();
  }

  @Test
  void anInvalidConfigurationExitsTwoWithoutStarting() throws Exception {
    Path file = TestConfigs.write(directory, TestConfigs.yaml("serve-invalid", directory)
        .replace("drain-timeout: 10s", "drain-timeout: soon"));
    ServeControl control = ServeControl.manual();

    CliRun run = CliRun.run(CliContext.of(InputStream.nullInputStream(), control), "serve",
        "-c", file.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("server.drain-timeout").contains("line 4");
    assertThat(control.awaitReady(0)).isFalse();
  }

  private static Event event(String type, String id) {
    return Event.builder().id(id).source("/serve-test").type(type)
        .data("{\"n\": " + id + "}", "application/json").build();
  }
}
