package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.cli.ExitCodes;
import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Result;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.EventClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice send}: one event through the configured transport; its result as JSON. */
@Command(name = "send", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = {"Sends one event to the server through the transport of the configuration"
        + " file, and prints its result as one JSON object on standard output:",
        "  {\"id\": ..., \"status\": \"OK\", \"datacontenttype\": ..., \"data\": ...}",
        "JSON data is printed as JSON, other data as base64 under \"data_base64\"; failures add"
            + " \"code\" and \"message\".",
        "Exit 0 when the status is OK, 1 for any other result, 2 for bad usage or"
            + " configuration, 3 when the server cannot be reached (UNAVAILABLE)."})
public final class SendCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOption config;

  @Mixin
  private EventOptions event;

  @Mixin
  private ClientOptions login;

  @Option(names = "--id", paramLabel = "ID",
      description = "The event id (default: a random UUID). Sending the same source and id"
          + " again is the same event: a server with a store answers it from there.")
  private String id;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "How long to wait for the result (default: ${DEFAULT-VALUE}).")
  private Duration timeout;

  SendCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    Logging.quietUnlessAsked(context.environment());
    SluiceConfig loaded = config.load(context);
    Event e = event.build(id, context);
    Optional<Credentials> credentials = login.credentials(loaded, context);
    Result result;
    try (Plugins plugins = ConfigOption.plugins(loaded, context);
        EventClient client = ClientOptions.open(loaded, plugins, context, credentials)) {
      try {
        // the client applies the deadline itself; this only guards against a client that hangs
        result = client.send(e, timeout).toCompletableFuture()
            .get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      } catch (TimeoutException te) {
        result = Result.failure(e.id(), Status.TIMEOUT, "CLIENT_TIMEOUT",
            "no result within " + timeout.toMillis() + "ms");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(ResultJson.format(result));
    out.flush();
    if (result.status() == Status.UNAVAILABLE) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("sluice send: " + result.errorMessage().orElse("the server is unavailable")
          + " (is 'sluice serve' running with the same configuration file?)");
      err.flush();
    }
    return ExitCodes.of(result.status());
  }
}
