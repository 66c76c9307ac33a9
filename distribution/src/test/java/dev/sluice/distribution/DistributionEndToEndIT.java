package dev.sluice.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled distribution, driven as a user drives it: a copy of {@code target/sluice/}
 * with its default {@code conf/sluice.yaml} (only the port changed to a free one), started with
 * {@code bin/sluice serve} as a separate process, then {@code sluice send}, {@code sluice bench}
 * and {@code sluice config check} as further processes, and finally SIGTERM.
 *
 * <p>Runs in {@code mvn verify} after {@code package} has assembled the tree.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final long COMMAND_TIMEOUT_SECONDS = 240;

  @TempDir
  static Path work;
  private static Path home;
  private static int port;
  private static int adminPort;
  private static Process server;
  private static Path serverLog;

  @BeforeAll
  static void startTheServerFromACopyOfTheDistribution() throws Exception {
    Path assembled = Path.of(System.getProperty("sluice.distribution",
        "target/sluice (run with mvn verify)"));
    assertThat(assembled.resolve("bin/sluice")).as("the assembled distribution").exists();
    home = work.resolve("sluice");
    copyTree(assembled, home);

    port = freePort();
    Path conf = home.resolve("conf/sluice.yaml");
    String yaml = Files.readString(conf);
    assertThat(yaml).contains("port: 7443");
    adminPort = freePort();
    Files.writeString(conf, yaml.replace("port: 7443", "port: " + port)
        + "\nadmin:\n  port: " + adminPort + "\n");

    serverLog = work.resolve("serve.log");
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/sluice").toString(), "serve")
        .directory(work.toFile())
        .redirectErrorStream(true)
        .redirectOutput(serverLog.toFile());
    environment(pb.environment());
    // SLUICE_OPTS reaches the JVM, and the JSON log layout is one switch away
    pb.environment().put("SLUICE_OPTS", "-DSLUICE_LOG_FORMAT=json");
    server = pb.start();

    await("the ready line").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500))
        .ignoreExceptions() // a line half written
        .until(() -> !server.isAlive()
            || logMessages().contains("sluice 'sluice' ready on tls://127.0.0.1:" + port));
    assertThat(server.isAlive()).as("server running; its log:%n%s", log()).isTrue();
  }

  @AfterAll
  static void killTheServerIfATestFailedBeforeStoppingIt() {
    if (server != null && server.isAlive()) {
      server.destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void serveLogsWhatItLoadedAsJsonLinesThenThatItIsReady() throws Exception {
    List<String> messages = logMessages();
    String data = home.toRealPath().resolve("data").toString();

    assertThat(messages).anyMatch(m -> m.equals("transport: netty (tls://127.0.0.1:" + port + ")"))
        .anyMatch(m -> m.startsWith("processor 'echo' (echo): types [example.echo]"))
        .anyMatch(m -> m.startsWith("processor 'wordcount' (wordcount): types [example.wordcount]"))
        .anyMatch(m -> m.startsWith("processor 'counter' (counter): types [example.counter.add]"))
        .anyMatch(m -> m.startsWith("processor 'flaky' (flaky): types [example.flaky]"))
        .anyMatch(m -> m.startsWith("store: h2 jdbc:h2:file:" + data + "/"))
        .anyMatch(m -> m.endsWith("plugins/sluice-example-echo.jar"))
        .anyMatch(m -> m.contains("self-signed development TLS certificate"));
    assertThat(messages.get(messages.size() - 1))
        .isEqualTo("sluice 'sluice' ready on tls://127.0.0.1:" + port);
  }

  @Test
  @Order(2)
  void theAdminEndpointReportsReadyAndServesPrometheusMetrics() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI base = URI.create("http://127.0.0.1:" + adminPort);

    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(base.resolve("/health/ready"))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).get("status").asText()).isEqualTo("UP");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("sluice_processor_queue_depth")
        .contains("processor=\"echo\"");
  }

  @Test
  @Order(2)
  void echoAnswersWithTheDataItWasSent() throws Exception {
    Run run = sluice("send", "--type", "example.echo", "--data", "{\"hello\": [1, 2]}",
        "--id", "e2e-echo");

    assertThat(run.exitCode()).as("%s", run).isZero();
    JsonNode result = JSON.readTree(run.out());
    assertThat(result.get("id").asText()).isEqualTo("e2e-echo");
    assertThat(result.get("status").asText()).isEqualTo("OK");
    assertThat(result.get("data")).isEqualTo(JSON.readTree("{\"hello\": [1, 2]}"));
  }

  @Test
  @Order(3)
  void wordcountCountsTheWords() throws Exception {
    Run run = sluice("send", "--type", "example.wordcount",
        "--data", "{\"text\": \"to be or not to be\"}");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(JSON.readTree(run.out()).get("data")).isEqualTo(JSON.readTree(
        "{\"words\":6,\"top\":[[\"be\",2],[\"to\",2],[\"not\",1],[\"or\",1]]}"));
  }

  @Test
  @Order(4)
  void counterAddsUpAcrossEvents() throws Exception {
    String counter = "e2e-" + UUID.randomUUID();
    Run first = sluice("send", "--type", "example.counter.add",
        "--data", "{\"counter\": \"" + counter + "\", \"delta\": 40}");
    Run second = sluice("send", "--type", "example.counter.add",
        "--data", "{\"counter\": \"" + counter + "\", \"delta\": 2}");

    assertThat(first.exitCode()).as("%s", first).isZero();
    assertThat(second.exitCode()).as("%s", second).isZero();
    assertThat(JSON.readTree(second.out()).get("data")).isEqualTo(JSON.readTree(
        "{\"counter\":\"" + counter + "\",\"value\":42}"));
  }

  @Test
  @Order(5)
  void flakyFailsOnRequestWithExitCodeOne() throws Exception {
    Run ok = sluice("send", "--type", "example.flaky", "--data", "{\"fail\": false}");
    Run failed = sluice("send", "--type", "example.flaky", "--data", "{\"fail\": true}");

    assertThat(ok.exitCode()).as("%s", ok).isZero();
    assertThat(failed.exitCode()).as("%s", failed).isEqualTo(1);
    JsonNode result = JSON.readTree(failed.out());
    assertThat(result.get("status").asText()).isEqualTo("ERROR");
    assertThat(result.get("code").asText()).isEqualTo("FLAKY");
  }

  @Test
  @Order(6)
  void anEventNoProcessorTakesIsRejected() throws Exception {
    Run run = sluice("send", "--type", "nobody.listens.here");

    assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
    assertThat(JSON.readTree(run.out()).get("status").asText()).isEqualTo("REJECTED");
  }

  @Test
  @Order(7)
  void benchRunsForAFewSecondsAndCountsEveryRequest() throws Exception {
    Run run = sluice("bench", "--type", "example.echo", "--data", "{\"n\": 1}",
        "--duration", "3s", "--concurrency", "8", "--connections", "2", "--json");

    assertThat(run.exitCode()).as("%s", run).isZero();
    JsonNode summary = JSON.readTree(run.out());
    long requests = summary.get("requests").asLong();
    assertThat(requests).isPositive();
    assertThat(summary.get("ok").asLong()).isEqualTo(requests);
    assertThat(summary.get("by_status").get("OK").asLong()).isEqualTo(requests);
    assertThat(summary.get("throughput_per_s").asDouble()).isPositive();
    assertThat(summary.get("latency_us").get("p99").asDouble()).isPositive();
    assertThat(run.err()).as("progress lines").contains("req/s").contains("p99");
  }

  @Test
  @Order(8)
  void configCheckNamesAMisspelledKeyItsLineAndTheRightSpelling() throws Exception {
    String yaml = Files.readString(home.resolve("conf/sluice.yaml"))
        .replace("  drain-timeout: 30s", "  drain-timout: 30s");
    Path broken = work.resolve("broken.yaml");
    Files.writeString(broken, yaml);
    int line = lineOf(yaml, "drain-timout");

    Run run = sluice("config", "check", "-c", broken.toString());

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.err()).contains("line " + line + ": server.drain-timout: unknown key")
        .contains("did you mean 'drain-timeout'");
    assertThat(run.out()).isEmpty();
  }

  @Test
  @Order(9)
  void configCheckAcceptsTheDefaultFile() throws Exception {
    Run run = sluice("config", "check");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).contains("type: netty").contains("port: " + port)
        .contains("name: wordcount");
  }

  @Test
  @Order(10)
  void aServerThatIsNotThereExitsThree() throws Exception {
    Path elsewhere = work.resolve("elsewhere.yaml");
    Files.writeString(elsewhere, Files.readString(home.resolve("conf/sluice.yaml"))
        .replace("port: " + port, "port: " + freePort()));

    Run run = sluice("send", "-c", elsewhere.toString(), "--type", "example.echo",
        "--timeout", "20s");

    assertThat(run.exitCode()).as("%s", run).isEqualTo(3);
    assertThat(JSON.readTree(run.out()).get("status").asText()).isEqualTo("UNAVAILABLE");
  }

  @Test
  @Order(11)
  void theTarballHoldsTheSameTreeWithAnExecutableLauncher() throws Exception {
    Path tarball = Path.of(System.getProperty("sluice.tarball"));
    Process tar = new ProcessBuilder("tar", "-tzvf", tarball.toString())
        .redirectErrorStream(true).start();
    String listing = new String(tar.getInputStream().readAllBytes());
    assertThat(tar.waitFor()).isZero();

    String top = tarball.getFileName().toString().replace(".tar.gz", "");
    assertThat(listing).containsPattern("-rwxr-xr-x .* " + top + "/bin/sluice\\n")
        .contains(top + "/bin/sluice_completion")
        .contains(top + "/conf/sluice.yaml").contains(top + "/conf/logback.xml")
        .contains(top + "/README.md")
        .contains(top + "/lib/sluice-cli-").contains(top + "/lib/sluice-transport-netty-")
        .contains(top + "/plugins/sluice-example-echo.jar")
        .contains(top + "/plugins/sluice-example-wordcount.jar")
        .contains(top + "/plugins/sluice-example-counter.jar")
        .contains(top + "/plugins/sluice-example-flaky.jar");
  }

  @Test
  @Order(12)
  void theLauncherRefusesAJavaOlderThan17AndSaysWhatToDo() throws Exception {
    Path oldJava = work.resolve("old-java");
    Files.createDirectories(oldJava.resolve("bin"));
    Path java = oldJava.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho 'java version \"1.8.0_412\"' >&2\n");
    java.toFile().setExecutable(true);

    Run old = launch(Map.of("JAVA_HOME", oldJava.toString()), "version");
    Run missing = launch(Map.of("JAVA_HOME", work.resolve("no-such-jdk").toString()), "version");

    assertThat(old.exitCode()).isEqualTo(2);
    assertThat(old.err()).contains("Java 17 or newer is needed")
        .contains("version 1.8.0_412").contains("set JAVA_HOME to a Java 17+ installation");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("JAVA_HOME is '" + work.resolve("no-such-jdk") + "'")
        .contains("is not an executable");
  }

  @Test
  @Order(13)
  void theLauncherWorksThroughASymbolicLinkFromAnyDirectory() throws Exception {
    Path link = work.resolve("sluice-link");
    Files.createSymbolicLink(link, home.resolve("bin/sluice"));

    Run run = launch(Map.of("JAVA_HOME", System.getProperty("java.home")), "plugins");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.out()).contains("plugins/sluice-example-echo.jar")
        .contains("netty").contains("sluice-transport-netty");
  }

  @Test
  @Order(100)
  void sigtermDrainsAndExitsZero() throws Exception {
    server.destroy(); // SIGTERM

    assertThat(server.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("stopped").isTrue();
    assertThat(server.exitValue()).as("exit code; log:%n%s", log()).isZero();
    assertThat(logMessages()).anyMatch(m -> m.startsWith("stopping: draining in-flight events"))
        .contains("stopped");
  }

  // --- helpers

  private static Run sluice(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/sluice").toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    environment(pb.environment());
    // a short-lived client JVM: JAVA_OPTS reaches it too
    pb.environment().put("JAVA_OPTS", "-XX:TieredStopAtLevel=1");
    Process p = pb.start();
    if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("sluice " + String.join(" ", args) + " did not finish within "
          + COMMAND_TIMEOUT_SECONDS + "s; stderr: " + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** {@code work/sluice-link} (or bin/sluice) run with exactly {@code env} plus PATH. */
  private static Run launch(Map<String, String> env, String... args) throws Exception {
    Path link = work.resolve("sluice-link");
    Path launcher = Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? link
        : home.resolve("bin/sluice");
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of("/").toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** What a user's shell would have: this JVM as Java, nothing else from the build. */
  private static void environment(Map<String, String> env) {
    Map<String, String> keep = new HashMap<>();
    for (String name : List.of("PATH", "HOME", "USER", "LANG", "TMPDIR")) {
      if (System.getenv(name) != null) {
        keep.put(name, System.getenv(name));
      }
    }
    env.clear();
    env.putAll(keep);
    env.put("JAVA_HOME", System.getProperty("java.home"));
  }

  private static String log() {
    try {
      return Files.readString(serverLog);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The log's lines are JSON objects (SLUICE_LOG_FORMAT=json): their formatted messages. */
  private static List<String> logMessages() throws IOException {
    List<String> messages = new ArrayList<>();
    for (String line : Files.readAllLines(serverLog)) {
      if (!line.isBlank()) {
        JsonNode json = JSON.readTree(line);
        assertThat(json.has("level")).as("a JSON log line: %s", line).isTrue();
        messages.add(json.get("formattedMessage").asText());
      }
    }
    return messages;
  }

  private static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError(needle + " not in the file");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** One finished command: its exit code and what it printed. */
  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout: " + out + "\nstderr: " + err;
    }
  }
}
