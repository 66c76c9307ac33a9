package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.spi.DeadLetter;
import dev.sluice.store.jdbc.JdbcStore;
import dev.sluice.testkit.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice dlq} over letters in a real store (embedded H2 in a temp directory). */
class DlqCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path directory;
  private String address;
  private Path config;

  @BeforeEach
  void storeThreeLetters() throws Exception {
    address = TestConfigs.newAddress();
    config = TestConfigs.write(directory, TestConfigs.yaml(address, directory));
    SluiceConfig loaded = SluiceConfig.load(config);
    try (JdbcStore store = JdbcStore.open(loaded.store(), directory.resolve("data"), "dlq-test",
        new SimpleMeterRegistry())) {
      letter(store, "a-1", "example.echo", "billing");
      letter(store, "a-2", "example.echo", "billing");
      letter(store, "b-1", "example.flaky", "shipping");
    }
  }

  private static void letter(JdbcStore store, String id, String type, String processor)
      throws Exception {
    Event event = Event.builder().id(id).source("/dlq-test").type(type)
        .data("{\"id\": \"" + id + "\"}", "application/json").build();
    store.eventStore().deadLetter(new DeadLetter(event, processor,
        Result.error(id, "DOWNSTREAM", "the downstream service said no"), 3,
        Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T10:05:00Z")))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void listsFiltersAndShowsLetters() throws Exception {
    CliRun all = CliRun.run("dlq", "list", "-c", config.toString());
    CliRun billing = CliRun.run("dlq", "list", "--processor", "billing", "--json", "-c",
        config.toString());

    assertThat(all.exitCode()).as("%s", all).isZero();
    assertThat(all.out()).contains("3 of 3 dead letters").contains("billing  example.echo  a-1")
        .contains("attempts 3").contains("ERROR DOWNSTREAM: the downstream service said no");
    String[] lines = billing.out().strip().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode first = JSON.readTree(lines[0]);
    assertThat(first.get("processor").asText()).isEqualTo("billing");
    assertThat(first.get("event").get("data").get("id").asText()).isEqualTo("a-1");

    CliRun shown = CliRun.run("dlq", "show", first.get("id").asText(), "-c", config.toString());
    assertThat(shown.exitCode()).isZero();
    JsonNode letter = JSON.readTree(shown.out());
    assertThat(letter.get("failure").get("code").asText()).isEqualTo("DOWNSTREAM");
    assertThat(letter.get("attempts").asInt()).isEqualTo(3);
    assertThat(letter.get("last_failure").asText()).isEqualTo("2026-11-27T10:05:00Z");
    assertThat(CliRun.run("dlq", "show", "999999", "-c", config.toString()).exitCode())
        .isEqualTo(ExitCodes.RESULT_ERROR);
  }

  @Test
  void replaySendsTheOriginalEventsToTheServerAndRemovesThoseThatSucceed() throws Exception {
    TestServer server = TestServer.start(TestConfigs.yaml(address, directory));
    CliRun run;
    try {
      run = CliRun.run("dlq", "replay", "--processor", "billing", "-c", config.toString());
    } finally {
      server.close();
    }

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).contains("replayed 2: 2 OK and removed, 0 kept");
    CliRun left = CliRun.run("dlq", "list", "-c", config.toString());
    assertThat(left.out()).contains("1 of 1 dead letters").contains("b-1");
  }

  @Test
  void replayWithoutAServerKeepsTheLettersAndExitsThree() {
    CliRun run = CliRun.run("dlq", "replay", "--all", "-c", config.toString());

    assertThat(run.exitCode()).as("%s", run).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(CliRun.run("dlq", "list", "-c", config.toString()).out())
        .contains("3 of 3 dead letters");
  }

  @Test
  void purgeNeedsToBeToldWhatAndRemovesIt() {
    CliRun unsure = CliRun.run("dlq", "purge", "-c", config.toString());
    CliRun shipping = CliRun.run("dlq", "purge", "--processor", "shipping", "-c",
        config.toString());
    CliRun rest = CliRun.run("dlq", "purge", "--all", "-c", config.toString());

    assertThat(unsure.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unsure.err()).contains("--all");
    assertThat(shipping.out()).contains("removed 1 dead letters");
    assertThat(rest.out()).contains("removed 2 dead letters");
  }
}
