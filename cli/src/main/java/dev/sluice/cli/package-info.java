/**
 * The {@code sluice} command line: {@link dev.sluice.cli.Sluice} is the distribution's main
 * class; {@link dev.sluice.cli.ExitCodes} are the exit codes scripts may rely on.
 */
package dev.sluice.cli;
