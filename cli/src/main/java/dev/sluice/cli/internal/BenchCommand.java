package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.cli.ExitCodes;
import dev.sluice.cli.bench.BenchResult;
import dev.sluice.cli.bench.EventFactory;
import dev.sluice.cli.bench.LoadGenerator;
import dev.sluice.cli.bench.Progress;
import dev.sluice.config.SluiceConfig;
import dev.sluice.event.Event;
import dev.sluice.event.Status;
import dev.sluice.plugin.Plugins;
import dev.sluice.spi.Credentials;
import dev.sluice.spi.EventClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice bench}: the load generator, pointed at the configured server. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = {"Sends events as fast as they are answered (or at --rate), keeping"
        + " --concurrency requests in flight over --connections clients, and measures latency.",
        "Prints a progress line on standard error about once a second (rate, errors, p99), then"
            + " a summary: throughput; p50, p90, p99, p99.9 and max latency; results by status."
            + " Every request gets a fresh event id.",
        "With --rate the loop is open and latency is measured from when each request was due,"
            + " so a stalled server is not hidden (no coordinated omission).",
        "Exit 0 when every result was OK, 1 when some were not, 3 when the server could not be"
            + " reached at all."})
public final class BenchCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOption config;

  @Mixin
  private EventOptions event;

  @Mixin
  private ClientOptions login;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  private Length length;

  /** {@code --requests} or {@code --duration}, not both. */
  static final class Length {
    @Option(names = {"-n", "--requests"}, paramLabel = "N",
        description = "Stop after N requests.")
    long requests;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Stop after this long (default: 10s).")
    Duration duration;
  }

  @Option(names = "--concurrency", paramLabel = "K", defaultValue = "16",
      description = "Requests in flight at most, over all connections (default: ${DEFAULT-VALUE}).")
  private int concurrency;

  @Option(names = "--connections", paramLabel = "C", defaultValue = "1",
      description = "Clients to spread the requests over, each with its transport's own"
          + " connections (netty: transport.netty.client.connections, 2 unless configured)"
          + " (default: ${DEFAULT-VALUE}).")
  private int connections;

  @Option(names = "--rate", paramLabel = "R",
      description = "Target requests per second over all connections (open loop). Without it,"
          + " each request is sent as soon as one in flight is answered.")
  private double rate;

  @Option(names = "--warmup", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Run the load this long first without measuring it (default: none).")
  private Duration warmup;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Deadline of each request (default: ${DEFAULT-VALUE}).")
  private Duration timeout;

  @Option(names = "--json",
      description = "Print the summary as one JSON object on standard output.")
  private boolean json;

  BenchCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    Logging.quietUnlessAsked(context.environment());
    if (connections < 1) {
      throw new UsageException("--connections must be at least 1, got " + connections);
    }
    if (concurrency < connections) {
      throw new UsageException("--concurrency (" + concurrency + ") must be at least"
          + " --connections (" + connections + ")");
    }
    if (rate < 0) {
      throw new UsageException("--rate must be positive, got " + rate);
    }
    if (length != null && length.requests < 0) {
      throw new UsageException("--requests must be positive, got " + length.requests);
    }
    SluiceConfig loaded = config.load(context);
    Event template = event.build("template", context);
    Optional<Credentials> credentials = login.credentials(loaded, context);
    PrintWriter err = spec.commandLine().getErr();
    BenchResult result;
    List<EventClient> clients = new ArrayList<>(connections);
    try (Plugins plugins = ConfigOption.plugins(loaded, context)) {
      try {
        for (int i = 0; i < connections; i++) {
          clients.add(ClientOptions.open(loaded, plugins, context, credentials));
        }
        LoadGenerator.Builder generator = LoadGenerator.builder(clients,
                EventFactory.fromTemplate(template))
            .concurrency(concurrency).rate(rate).timeout(timeout)
            .warmup(warmup == null ? Duration.ZERO : warmup)
            .progress(p -> printProgress(err, p));
        if (length != null && length.requests > 0) {
          generator.requests(length.requests);
        } else {
          generator.duration(length != null && length.duration != null
              ? length.duration : Duration.ofSeconds(10));
        }
        result = generator.build().run();
      } finally {
        clients.forEach(EventClient::close);
      }
    }
    if (context.interactive()) {
      err.println();
    }
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? Json.write(result.toMap()) + System.lineSeparator() : result.format());
    out.flush();
    return exitCode(result);
  }

  private void printProgress(PrintWriter err, Progress p) {
    if (context.interactive()) {
      err.print("\r" + p.format() + "   ");
    } else {
      err.println(p.format());
    }
    err.flush();
  }

  static int exitCode(BenchResult result) {
    if (result.errors() == 0) {
      return ExitCodes.OK;
    }
    long unavailable = result.byStatus().getOrDefault(Status.UNAVAILABLE.name(), 0L);
    if (result.ok() == 0 && unavailable > 0 && unavailable == result.completed()) {
      return ExitCodes.UNAVAILABLE;
    }
    return ExitCodes.RESULT_ERROR;
  }
}
