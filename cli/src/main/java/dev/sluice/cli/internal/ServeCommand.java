package dev.sluice.cli.internal;

import dev.sluice.cli.CliContext;
import dev.sluice.cli.ExitCodes;
import dev.sluice.cli.ServeControl;
import dev.sluice.config.ConfigException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.engine.DrainReport;
import dev.sluice.engine.SluiceServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sluice serve}: runs the server until SIGTERM or Ctrl-C, then drains in-flight events
 * within {@code server.drain-timeout} and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    versionProvider = SluiceVersion.class,
    description = {"Starts the server described by the configuration file and runs it until"
        + " SIGTERM or Ctrl-C.",
        "It logs what it loaded (transport and address, processors and their event types,"
            + " store, plugin jars), then a line saying it is ready. On SIGTERM or Ctrl-C it"
            + " stops taking events, lets those in flight finish within server.drain-timeout,"
            + " and exits 0."})
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");

  private final CliContext context;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOption config;

  ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    ServeControl control = context.serveControl();
    try {
      Path file = config.file(context);
      SluiceConfig loaded = config.load(context);
      LOG.info("{} starting; configuration {}", SluiceVersion.describe(), file);
      control.install(loaded.server().drainTimeout().toMillis());
      try (ServerAssembly assembly = ServerAssembly.assemble(loaded, context)) {
        SluiceServer server = assembly.server();
        try {
          // before the server, so that probes see "not ready" rather than nothing while it starts
          assembly.admin().start();
        } catch (RuntimeException e) {
          LOG.error("could not start the admin endpoint: {}", e.toString(), e);
          spec.commandLine().getErr().println("sluice serve: could not start the admin endpoint: "
              + e.getMessage() + "; change admin.port or set admin.enabled: false");
          spec.commandLine().getErr().flush();
          return ExitCodes.RESULT_ERROR;
        }
        try {
          server.start();
        } catch (ConfigException e) {
          throw e;
        } catch (Exception e) {
          LOG.error("could not start: {}", e.toString(), e);
          spec.commandLine().getErr().println("sluice serve: could not start: " + e.getMessage());
          spec.commandLine().getErr().flush();
          return ExitCodes.RESULT_ERROR;
        }
        control.markReady();
        try {
          control.awaitStopRequest();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        DrainReport report = server.stop();
        LOG.info("drained: {} events finished, {} abandoned, in {} ms", report.completed(),
            report.abandonedEventIds().size(), report.took().toMillis());
      }
      LOG.info("stopped");
      return ExitCodes.OK;
    } finally {
      control.markStopped();
    }
  }
}
