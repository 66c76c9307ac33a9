/**
 * The load generator behind {@code sluice bench}, reusable over any
 * {@link dev.sluice.spi.EventClient}: {@link dev.sluice.cli.bench.LoadGenerator} keeps K
 * requests in flight over C clients, optionally at an open-loop rate, and records latencies in
 * an HdrHistogram; {@link dev.sluice.cli.bench.BenchResult} is what it measured.
 */
package dev.sluice.cli.bench;
