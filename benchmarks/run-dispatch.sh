#!/bin/sh
# Builds benchmarks/target/benchmarks.jar and runs the dispatch comparisons (a few minutes):
# JMH's JSON goes to benchmarks/target/dispatch.json (or $RESULT_FILE), and a one-line summary
# per comparison is printed at the end. See docs/benchmarks.md.
#
#   benchmarks/run-dispatch.sh                          # build, then run both comparisons
#   MVN_FLAGS=-o benchmarks/run-dispatch.sh             # build offline
#   SKIP_BUILD=1 benchmarks/run-dispatch.sh -wi 1 -i 3  # rerun; JMH options pass through
#   benchmarks/run-dispatch.sh -p metrics=simple,denied # also run Sluice with no-op meters
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  mvn -B -q ${MVN_FLAGS:-} -Pbenchmarks -pl benchmarks -am package -DskipTests
fi

result=${RESULT_FILE:-benchmarks/target/dispatch.json}
exec java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.DispatchBenchmarkRunner \
  -rf json -rff "$result" "$@"
