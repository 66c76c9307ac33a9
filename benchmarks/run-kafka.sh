#!/bin/sh
# Builds benchmarks/target/benchmarks.jar and compares Sluice over Kafka with a raw kafka-clients
# echo service (dev.sluice.benchmarks.kafka.RawKafkaEchoService), both driven by Sluice's Kafka
# client with the same requests in flight. See docs/benchmarks.md, section "Kafka transport".
#
#   benchmarks/run-kafka.sh                               # in-process broker, 2 rounds of 20 s
#   SKIP_BUILD=1 benchmarks/run-kafka.sh --in-flight 64   # rerun without building
#   benchmarks/run-kafka.sh --bootstrap 127.0.0.1:9092    # against a running cluster
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  mvn -B -q ${MVN_FLAGS:-} -Pbenchmarks -pl benchmarks -am package -DskipTests
fi

exec java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.kafka.KafkaEchoComparison \
  "$@"
