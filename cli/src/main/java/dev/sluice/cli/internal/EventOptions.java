package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;
import picocli.CommandLine.Option;

/** The event options {@code send} and {@code bench} share, and the event they describe. */
public final class EventOptions {
  /** The source of events sent from the command line, unless {@code --source} says otherwise. */
  public static final String DEFAULT_SOURCE = "/sluice/cli";

  @Option(names = {"-t", "--type"}, required = true, paramLabel = "TYPE",
      description = "The event type, such as example.echo; it selects the processor.")
  private String type;

  @Option(names = {"-d", "--data"}, paramLabel = "DATA",
      description = "The event data: inline text (JSON by default), @FILE to read a file, or -"
          + " to read standard input. No data when absent.")
  private String data;

  @Option(names = "--content-type", paramLabel = "TYPE", defaultValue = "application/json",
      description = "The content type of the data (default: ${DEFAULT-VALUE}). JSON data is"
          + " checked before it is sent.")
  private String contentType;

  @Option(names = {"-k", "--key"}, paramLabel = "KEY",
      description = "The partition key: events with the same key keep their order where the"
          + " processor asks for it.")
  private String key;

  @Option(names = {"-s", "--source"}, paramLabel = "SOURCE", defaultValue = DEFAULT_SOURCE,
      description = "The CloudEvents source; with the id it identifies the event"
          + " (default: ${DEFAULT-VALUE}).")
  private String source;

  /**
   * The event with {@code id} (a random UUID when null), reading {@code --data} (a file, or
   * standard input once).
   *
   * @throws UsageException when the data cannot be read, or is not JSON when it says it is
   */
  public Event build(String id, CliContext context) {
    Event.Builder b = Event.builder().id(id != null ? id : UUID.randomUUID().toString())
        .source(source).type(type);
    if (key != null) {
      b.partitionKey(key);
    }
    if (data != null) {
      byte[] bytes = readData(context);
      if (Json.isJson(contentType)) {
        try {
          Json.parse(bytes);
        } catch (IOException e) {
          throw new UsageException("--data is not valid JSON (" + firstLine(e.getMessage())
              + "); fix it, or pass --content-type text/plain to send it as text");
        }
      }
      b.data(bytes, contentType);
    }
    return b.build();
  }

  private byte[] readData(CliContext context) {
    try {
      if (data.equals("-")) {
        return context.stdin().readAllBytes();
      }
      if (data.startsWith("@")) {
        return Files.readAllBytes(Path.of(data.substring(1)));
      }
      return data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UsageException("--data " + data + ": no such file");
    } catch (IOException e) {
      throw new UsageException("--data " + data + ": cannot read it: " + e.getMessage(), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
