package dev.sluice.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs {@code sluice} in-process with captured output: what a user would see, and the exit code. */
public record CliRun(int exitCode, String out, String err) {

  public static CliRun run(String... args) {
    return run(CliContext.of(InputStream.nullInputStream(), ServeControl.manual()), args);
  }

  public static CliRun runWithStdin(String stdin, String... args) {
    return run(CliContext.of(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        ServeControl.manual()), args);
  }

  public static CliRun run(CliContext context, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Sluice.commandLine(context);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
