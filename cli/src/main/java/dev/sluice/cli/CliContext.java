package dev.sluice.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the commands take from their surroundings: standard input ({@code --data -}), the
 * environment, the Sluice home directory, and the {@link ServeControl} of {@code sluice serve}.
 * {@link #system()} is the real process; tests build their own.
 */
public final class CliContext {
  /** The system property {@code bin/sluice} sets to the unpacked distribution's directory. */
  public static final String HOME_PROPERTY = "sluice.home";

  private final InputStream stdin;
  private final Map<String, String> environment;
  private final Path home;
  private final ServeControl serveControl;
  private final boolean interactive;

  private CliContext(InputStream stdin, Map<String, String> environment, Path home,
      ServeControl serveControl, boolean interactive) {
    this.stdin = Objects.requireNonNull(stdin, "stdin");
    this.environment = Map.copyOf(environment);
    this.home = home;
    this.serveControl = Objects.requireNonNull(serveControl, "serveControl");
    this.interactive = interactive;
  }

  /**
   * The process: {@code System.in}, {@code System.getenv()}, the home from {@value #HOME_PROPERTY}
   * (absent when not started by {@code bin/sluice}), and a control that SIGTERM and Ctrl-C stop.
   */
  public static CliContext system() {
    String home = System.getProperty(HOME_PROPERTY);
    return new CliContext(System.in, System.getenv(),
        home == null || home.isBlank() ? null : Path.of(home), ServeControl.onSignals(),
        System.console() != null);
  }

  /** A context for tests and embedding: no home, no environment, and a manual control. */
  public static CliContext of(InputStream stdin, ServeControl control) {
    return new CliContext(stdin, Map.of(), null, control, false);
  }

  /** The same context with the given environment variables. */
  public CliContext withEnvironment(Map<String, String> variables) {
    return new CliContext(stdin, variables, home, serveControl, interactive);
  }

  /** The same context with a Sluice home directory. */
  public CliContext withHome(Path directory) {
    return new CliContext(stdin, environment, directory, serveControl, interactive);
  }

  public InputStream stdin() {
    return stdin;
  }

  public Map<String, String> environment() {
    return environment;
  }

  /** The unpacked distribution's directory, when running from one. */
  public Optional<Path> home() {
    return Optional.ofNullable(home);
  }

  /**
   * What relative paths resolve against: the default configuration file, and the data and
   * plugins directories in it. The home directory when there is one (so {@code bin/sluice} works
   * from any directory), the working directory otherwise.
   */
  public Path baseDirectory() {
    return (home != null ? home : Path.of("")).toAbsolutePath();
  }

  /** Whether a person is watching a terminal: progress lines then overwrite each other. */
  public boolean interactive() {
    return interactive;
  }

  public ServeControl serveControl() {
    return serveControl;
  }
}
