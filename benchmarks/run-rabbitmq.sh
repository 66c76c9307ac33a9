#!/bin/sh
# Compares Sluice over RabbitMQ with a raw amqp-client Direct Reply-to echo server, with the same
# load generator (sluice bench's LoadGenerator over the Sluice RabbitMQ client) against each,
# one after the other, ROUNDS times.
# Each server runs in its own JVM on its own new queue, removed afterwards. Prints one RESULT line
# per run and the ratio of the medians at the end. See docs/benchmarks.md.
#
#   benchmarks/run-rabbitmq.sh                       # build, then 3 rounds of 20 s each
#   SKIP_BUILD=1 ROUNDS=1 SECONDS_PER_RUN=10 benchmarks/run-rabbitmq.sh
#   IN_FLIGHT=64 PAYLOAD=1024 PREFETCH=100 CONCURRENCY=8 benchmarks/run-rabbitmq.sh
#   PERSISTENT=false benchmarks/run-rabbitmq.sh      # transient requests: no disk on the broker
#   RABBITMQ_URI=amqp://user:pass@host:5672/%2F benchmarks/run-rabbitmq.sh
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

uri=${RABBITMQ_URI:-amqp://guest:guest@127.0.0.1:5672/%2F}
rounds=${ROUNDS:-3}
seconds=${SECONDS_PER_RUN:-20}
warmup=${WARMUP_SECONDS:-5}
in_flight=${IN_FLIGHT:-256}
payload=${PAYLOAD:-64}
prefetch=${PREFETCH:-250}
concurrency=${CONCURRENCY:-4}
persistent=${PERSISTENT:-true}
jar=benchmarks/target/benchmarks.jar
pkg=dev.sluice.benchmarks.rabbitmq

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  mvn -B -q ${MVN_FLAGS:-} -Pbenchmarks -pl benchmarks -am package -DskipTests
fi

out=$(mktemp)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM

run() { # kind queue server-class server-args...
  kind=$1; queue=$2; class=$3; shift 3
  java -cp "$jar" "$pkg.$class" "$uri" "$queue" "$@" > "benchmarks/target/$kind-server.log" 2>&1 &
  server_pid=$!
  # the load generator answers UNAVAILABLE/NO_SERVER until the server consumes: wait for it
  i=0
  until grep -q consuming "benchmarks/target/$kind-server.log" || [ $i -ge 60 ]; do
    sleep 0.5; i=$((i + 1))
  done
  start_ticks=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  java -cp "$jar" "$pkg.RabbitLoadGenerator" "$uri" "$queue" "$in_flight" "$seconds" "$warmup" \
    "$payload" "$persistent" 2>/dev/null | grep RESULT | sed "s/^RESULT/RESULT $kind/" > "$out.line"
  # the server's CPU time (user + system) after its start-up, per 1000 requests answered
  ticks=$(awk -v s="$start_ticks" '{print $14 + $15 - s}' "/proc/$server_pid/stat")
  hz=$(getconf CLK_TCK)
  total=$(sed 's/.*total \([0-9]*\).*/\1/' "$out.line")
  cpu=$(awk -v t="$ticks" -v hz="$hz" -v n="$total" 'BEGIN { printf "%.0f", n ? t * 1000000 / hz / n : 0 }')
  echo "$(cat "$out.line"), server CPU ${cpu} ms per 1000 requests" | tee -a "$out"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
  java -cp "$jar" "$pkg.BenchQueues" "$uri" delete "$queue" "$queue.dead" "$queue.dlx" \
    >/dev/null 2>&1 || true
}

round=1
while [ "$round" -le "$rounds" ]; do
  run raw "sluice.bench.raw.$$.$round" RawRabbitEchoServer "$prefetch"
  run sluice "sluice.bench.sluice.$$.$round" SluiceRabbitEchoServer "$prefetch" "$concurrency"
  round=$((round + 1))
done

awk '
  / requests\/s/ { for (i = 1; i <= NF; i++) if ($i == "requests/s") v = $(i - 1);
                   if ($2 == "raw") raw[++r] = v; else sl[++s] = v }
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  / per 1000 requests/ { for (i = 1; i <= NF; i++) if ($i == "CPU") c = $(i + 1);
                   if ($2 == "raw") rc[++rcn] = c; else sc[++scn] = c }
  END { mr = median(raw, r); ms = median(sl, s);
        printf "median raw %.0f/s, sluice %.0f/s: sluice/raw = %.2f (target >= 0.80)\n", mr, ms, ms / mr;
        printf "median server CPU per 1000 requests: raw %.0f ms, sluice %.0f ms\n", median(rc, rcn), median(sc, scn) }
' "$out"
rm -f "$out" "$out.line"
