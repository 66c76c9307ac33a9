package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice send} against a running server on the in-memory transport. */
class SendCommandTest {
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
  void printsTheResultAsOneJsonObjectWithJsonDataEmbedded() throws Exception {
    CliRun run = CliRun.run("send", "-c", config.toString(), "--type", "example.echo",
        "--data", "{\"a\": [1, 2]}", "--id", "order-7");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).endsWith(System.lineSeparator()).hasLineCount(1);
    JsonNode result = JSON.readTree(run.out());
    assertThat(result.get("id").asText()).isEqualTo("order-7");
    assertThat(result.get("status").asText()).isEqualTo("OK");
    assertThat(result.get("datacontenttype").asText()).isEqualTo("application/json");
    assertThat(result.get("data")).isEqualTo(JSON.readTree("{\"a\": [1, 2]}"));
    assertThat(run.err()).isEmpty();
  }

  @Test
  void printsOtherDataAsBase64WithItsContentType() throws Exception {
    CliRun run = CliRun.run("send", "-c", config.toString(), "--type", "example.echo",
        "--data", "plain words", "--content-type", "text/plain");

    assertThat(run.exitCode()).isZero();
    JsonNode result = JSON.readTree(run.out());
    assertThat(result.get("datacontenttype").asText()).isEqualTo("text/plain");
    assertThat(new String(Base64.getDecoder().decode(result.get("data_base64").asText()),
        StandardCharsets.UTF_8)).isEqualTo("plain words");
    assertThat(result.has("data")).isFalse();
    assertThat(result.get("id").asText()).hasSize(36);
  }

  @Test
  void readsTheDataFromAFileOrStandardInput() throws Exception {
    Path file = directory.resolve("order.json");
    Files.writeString(file, "{\"from\": \"file\"}");

    CliRun fromFile = CliRun.run("send", "-c", config.toString(), "--type", "example.echo",
        "--data", "@" + file);
    CliRun fromStdin = CliRun.runWithStdin("{\"from\": \"stdin\"}", "send", "-c",
        config.toString(), "--type", "example.echo", "--data", "-");

    assertThat(JSON.readTree(fromFile.out()).get("data").get("from").asText()).isEqualTo("file");
    assertThat(JSON.readTree(fromStdin.out()).get("data").get("from").asText())
        .isEqualTo("stdin");
  }

  @Test
  void anErrorResultExitsOneWithItsCodeAndMessage() throws Exception {
    CliRun run = CliRun.run("send", "-c", config.toString(), "--type", "example.flaky",
        "--data", "{\"fail\": true}");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.RESULT_ERROR);
    JsonNode result = JSON.readTree(run.out());
    assertThat(result.get("status").asText()).isEqualTo("ERROR");
    assertThat(result.get("code").asText()).isEqualTo("FLAKY");
    assertThat(result.get("message").asText()).isNotBlank();
  }

  @Test
  void anEventNoProcessorTakesIsRejectedAndExitsOne() throws Exception {
    CliRun run = CliRun.run("send", "-c", config.toString(), "--type", "nobody.listens");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.RESULT_ERROR);
    assertThat(JSON.readTree(run.out()).get("status").asText()).isEqualTo("REJECTED");
  }

  @Test
  void anUnreachableServerExitsThreeAndSaysWhatToCheck() throws Exception {
    Path elsewhere = TestConfigs.write(Files.createTempDirectory(directory, "other"),
        TestConfigs.yaml(TestConfigs.newAddress(), directory));

    CliRun run = CliRun.run("send", "-c", elsewhere.toString(), "--type", "example.echo");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(JSON.readTree(run.out()).get("status").asText()).isEqualTo("UNAVAILABLE");
    assertThat(run.err()).contains("is 'sluice serve' running");
  }

  @Test
  void dataThatIsNotJsonIsAUsageErrorAndNothingIsSent() {
    CliRun run = CliRun.run("send", "-c", config.toString(), "--type", "example.echo",
        "--data", "{not json");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("--data is not valid JSON")
        .contains("--content-type text/plain");
  }

  @Test
  void aMissingTypeOrFileIsAUsageError() {
    CliRun noType = CliRun.run("send", "-c", config.toString());
    CliRun noFile = CliRun.run("send", "-c", config.toString(), "--type", "example.echo",
        "--data", "@" + directory.resolve("absent.json"));

    assertThat(noType.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noType.err()).contains("Missing required option: '--type=TYPE'");
    assertThat(noFile.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noFile.err()).contains("absent.json: no such file");
  }

  @Test
  void aBrokenConfigurationExitsTwoNamingTheProblem() throws Exception {
    Path broken = directory.resolve("broken.yaml");
    Files.writeString(broken, "transport:\n  type: memory\nserver:\n  drain-timout: 5s\n");

    CliRun run = CliRun.run("send", "-c", broken.toString(), "--type", "example.echo");
    CliRun absent = CliRun.run("send", "-c", directory.resolve("nope.yaml").toString(),
        "--type", "example.echo");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("line 4").contains("server.drain-timout")
        .contains("drain-timeout");
    assertThat(absent.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(absent.err()).contains("nope.yaml");
  }

  @Test
  void aBadTimeoutIsAUsageError() {
    CliRun run = CliRun.run("send", "-c", config.toString(), "--type", "example.echo",
        "--timeout", "5");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("'5' is not a duration; write it as 500ms, 30s, 5m or 1h");
  }
}
