package dev.sluice.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Configuration files for the commands' tests: the in-memory transport at a fresh address. */
public final class TestConfigs {
  private TestConfigs() {
  }

  /** The YAML of a server with echo, flaky and slow over the in-memory transport at {@code address}. */
  public static String yaml(String address, Path directory) {
    return """
        server:
          data-directory: %s
          plugins-directory: %s
          drain-timeout: 10s
        transport:
          type: memory
          memory:
            address: %s
        processors:
          - name: echo
            types: [example.echo]
          - name: flaky
            types: [example.flaky]
            # every failure answered as it happens: the bench and send tests count them
            retry: {max-attempts: 1}
            circuit-breaker: {enabled: false}
          - name: slow
            types: [test.slow]
            settings:
              delay: 700ms
        """.formatted(directory.resolve("data"), directory.resolve("plugins"), address);
  }

  /** A fresh address, so that tests never reach each other's servers. */
  public static String newAddress() {
    return "cli-test-" + UUID.randomUUID();
  }

  /** Writes {@code yaml} to {@code sluice.yaml} in {@code directory}. */
  public static Path write(Path directory, String yaml) throws IOException {
    Path file = directory.resolve("sluice.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
