package dev.sluice.cli;

import dev.sluice.event.Status;

/**
 * The exit codes of the {@code sluice} command, documented in {@code docs/cli.md}. Scripts may
 * rely on them.
 */
public final class ExitCodes {
  /** Success: the server stopped cleanly, the result was {@code OK}, the file is valid. */
  public static final int OK = 0;
  /** The result was an error or a rejection ({@code ERROR}, {@code REJECTED}, ...). */
  public static final int RESULT_ERROR = 1;
  /** Bad usage or an invalid configuration: fix the command or the file and try again. */
  public static final int USAGE = 2;
  /** The server could not be reached, or answered {@code UNAVAILABLE}: try again later. */
  public static final int UNAVAILABLE = 3;

  private ExitCodes() {
  }

  /** The exit code for a result of {@code status}. */
  public static int of(Status status) {
    switch (status) {
      case OK:
        return OK;
      case UNAVAILABLE:
        return UNAVAILABLE;
      default:
        return RESULT_ERROR;
    }
  }
}
