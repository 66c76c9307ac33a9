#!/bin/sh
# Builds benchmarks/target/benchmarks.jar and runs the store comparisons (about 5 minutes):
# durable events per second on H2 and MariaDB against a raw JDBC loop, and lock acquire plus
# release per second against GET_LOCK/RELEASE_LOCK, in one run. JMH's JSON goes to
# benchmarks/target/store.json (or $RESULT_FILE); a summary is printed at the end.
# See docs/benchmarks.md.
#
#   benchmarks/run-store.sh                                  # build, then run
#   MVN_FLAGS=-o benchmarks/run-store.sh                     # build offline
#   SKIP_BUILD=1 benchmarks/run-store.sh -wi 1 -i 3          # rerun; JMH options pass through
#   JAVA_OPTS=-Dsluice.bench.mysql.url=jdbc:mysql://db:3306/test benchmarks/run-store.sh
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  mvn -B -q ${MVN_FLAGS:-} -Pbenchmarks -pl benchmarks -am package -DskipTests
fi

result=${RESULT_FILE:-benchmarks/target/store.json}
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java ${JAVA_OPTS:-} -cp benchmarks/target/benchmarks.jar \
  dev.sluice.benchmarks.StoreBenchmarkRunner -rf json -rff "$result" "$@"
