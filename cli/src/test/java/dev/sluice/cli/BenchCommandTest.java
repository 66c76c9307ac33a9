package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice bench} against a running server on the in-memory transport. */
class BenchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path directory;
  private static Path config;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    String yaml = TestConfigs.yaml(TestConfigs.newAddress(), directory);
    config = TestConfigs.write(directory, yaml);
    server = TestServer.start(yaml);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void jsonSummaryCountsEveryRequestByStatus() throws Exception {
    CliRun run = CliRun.run("bench", "-c", config.toString(), "--type", "example.echo",
        "--data", "{\"n\": 1}", "--requests", "500", "--concurrency", "8", "--connections", "2",
        "--json");

    assertThat(run.exitCode()).isZero();
    JsonNode summary = JSON.readTree(run.out());
    assertThat(summary.get("requests").asLong()).isEqualTo(500);
    assertThat(summary.get("ok").asLong()).isEqualTo(500);
    assertThat(summary.get("errors").asLong()).isZero();
    assertThat(summary.get("by_status").get("OK").asLong()).isEqualTo(500);
    assertThat(summary.get("connections").asInt()).isEqualTo(2);
    assertThat(summary.get("concurrency").asInt()).isEqualTo(8);
    assertThat(summary.get("throughput_per_s").asDouble()).isPositive();
    JsonNode latency = summary.get("latency_us");
    assertThat(latency.get("p50").asDouble()).isPositive()
        .isLessThanOrEqualTo(latency.get("p99").asDouble());
    assertThat(latency.get("p99_9").asDouble()).isLessThanOrEqualTo(latency.get("max").asDouble());
  }

  @Test
  void textSummaryShowsThroughputPercentilesAndStatusesAndExitsOneOnErrors() {
    CliRun run = CliRun.run("bench", "-c", config.toString(), "--type", "example.flaky",
        "--data", "{\"fail\": true}", "--requests", "50");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.RESULT_ERROR);
    assertThat(run.out()).contains("throughput").contains("req/s")
        .contains("p50").contains("p90").contains("p99 ").contains("p99.9").contains("max")
        .contains("ERROR 50");
  }

  @Test
  void printsProgressOnStandardErrorWhileRunningForADuration() {
    CliRun run = CliRun.run("bench", "-c", config.toString(), "--type", "example.echo",
        "--duration", "2500ms", "--rate", "200", "--concurrency", "4");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).contains("req/s").contains("errors 0").contains("p99");
    assertThat(run.out()).contains("target 200/s").contains("OK ");
  }

  @Test
  void anUnreachableServerExitsThree() throws Exception {
    Path elsewhere = TestConfigs.write(Files.createTempDirectory(directory, "other"),
        TestConfigs.yaml(TestConfigs.newAddress(), directory));

    CliRun run = CliRun.run("bench", "-c", elsewhere.toString(), "--type", "example.echo",
        "--requests", "20", "--json");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
  }

  @Test
  void requestsAndDurationTogetherAreAUsageError() {
    CliRun run = CliRun.run("bench", "-c", config.toString(), "--type", "example.echo",
        "--requests", "10", "--duration", "1s");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("mutually exclusive");
  }

  @Test
  void fewerRequestsInFlightThanConnectionsIsAUsageError() {
    CliRun run = CliRun.run("bench", "-c", config.toString(), "--type", "example.echo",
        "--requests", "10", "--connections", "4", "--concurrency", "2");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--concurrency (2) must be at least --connections (4)");
  }
}
