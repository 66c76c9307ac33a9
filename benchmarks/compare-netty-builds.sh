#!/usr/bin/env bash
# Compares the server CPU per request of two Sluice builds (or one build with two sets of JVM
# options) under the same load, for a change too small for run-netty-bench.sh to show.
#
# Why: the hosts these benchmarks run on change speed by 10 to 30 % within minutes, so one run
# of each build, or runs a few minutes apart, compare moments as much as builds (pairs of runs
# of the same build differed by 0.3 µs per request). Here both servers run at once, warmed
# up once, and take turns in short runs (A B B A A B ...): the host's drift hits both alike, and
# the pairs, not single runs, carry the comparison.
#
# Each server is `sluice serve` with the echo processor inline and `store.durability: memory`,
# as in run-netty-bench.sh; the load is `sluice bench --concurrency 64 --connections 4` from
# build A. Printed on stdout, one line per run: the server (a or b), its requests/s and its CPU
# time per request in µs (user + system, from /proc, over 7 of the run's 10 measured seconds,
# from its first second on, divided by the events its processor counted in the same 7 seconds,
# read from its /metrics), then a summary: the median of each and of the pairs' differences
# (b minus a). A run with an answer that is not OK stops the comparison. Progress on stderr.
#
#   benchmarks/compare-netty-builds.sh DIST_A DIST_B [PAIRS]
#   OPTS_B=-XX:+UseParallelGC benchmarks/compare-netty-builds.sh D D     # one build, two options
#
# DIST_A and DIST_B are unpacked distributions (distribution/target/sluice, or a copy of it with
# a jar swapped). PAIRS (default 6) pairs of 10 s runs after 5 s of warm-up each, after one 30 s
# warm-up per server: about 5 minutes in all. OPTS_A and OPTS_B are extra JVM options
# (SLUICE_OPTS) of each server; both servers get -Xms2g -Xmx2g.
set -euo pipefail

[ $# -ge 2 ] || { sed -n '2,/^set -euo/{/^#/p}' "$0" >&2; exit 2; }
dist_a=$(CDPATH='' cd -- "$1" && pwd)
dist_b=$(CDPATH='' cd -- "$2" && pwd)
pairs=${3:-6}
[[ $pairs =~ ^[1-9][0-9]*$ ]] || { echo "PAIRS must be a whole number above 0, not '$pairs'" >&2; exit 2; }
for d in "$dist_a" "$dist_b"; do
  [ -x "$d/bin/sluice" ] || { echo "no $d/bin/sluice: give an unpacked distribution" >&2; exit 2; }
done

log() { printf '[compare %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-compare.XXXXXX")
pids=()
bench=
cleanup() {
  [ -z "$bench" ] || kill "$bench" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

root=$(CDPATH='' cd -- "$(dirname "$0")/.." && pwd)
# free_port and wait_for
. "$root/benchmarks/lib/servers.sh"

# start NAME DIST OPTS: a server; its pid in $work/NAME/pid
start() {
  local name=$1 dist=$2 opts=$3 dir=$work/$1 admin_port
  mkdir -p "$dir"
  admin_port=$(free_port)
  cat >"$dir/sluice.yaml" <<EOF
server:
  name: compare-$name
  data-directory: $dir
  plugins-directory: $dist/plugins
transport:
  type: netty
  netty:
    host: 127.0.0.1
    port: $(free_port)
    client:
      connections: 1
store:
  url: jdbc:h2:file:$dir/sluice-store
  durability: memory
admin:
  port: $admin_port
processors:
  - name: echo
    types: [example.echo]
    execution: inline
EOF
  SLUICE_OPTS="$opts" JAVA_OPTS="-Xms2g -Xmx2g" "$dist/bin/sluice" serve -c "$dir/sluice.yaml" \
    >"$dir/server.log" 2>&1 &
  pids+=($!)
  wait_for "$dir/server.log" "ready on" "${pids[-1]}" 120 >/dev/null
  echo "${pids[-1]}" >"$dir/pid" # bin/sluice execs the JVM: this is the server's process
  echo "$admin_port" >"$dir/admin-port"
  processed "$name" >/dev/null # its count is readable, before any load
  log "server $name ready ($dist${opts:+, $opts})"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# processed NAME: the events server NAME's echo processor has answered so far, from /metrics
# (the sum of its series, should a label ever split them); fails, saying so, when it has none
processed() {
  local port count
  port=$(cat "$work/$1/admin-port")
  if ! count=$(curl -fsS --noproxy '*' --max-time 5 "http://127.0.0.1:$port/metrics" |
    awk '/^sluice_processor_duration_seconds_count\{/ && /processor="echo"/ {n += $2; f = 1}
      END {if (!f) exit 1; printf "%.0f\n", n}'); then
    log "server $1's /metrics (port $port) has no sluice_processor_duration_seconds_count of" \
      "processor echo; see $work/$1/server.log"
    return 1
  fi
  echo "$count"
}

# run NAME WARMUP_S DURATION_S: one bench run against NAME; prints "NAME req/s µs/req"
run() {
  local name=$1 warmup=$2 duration=$3 dir=$work/$1 pid rc=0 c0 c1 n0 n1
  pid=$(cat "$dir/pid")
  JAVA_OPTS="-Xms256m -Xmx256m" "$dist_a/bin/sluice" bench -c "$dir/sluice.yaml" \
    --type example.echo --data '{"payload":"0123456789abcdef0123"}' --concurrency 64 \
    --connections 4 --warmup "${warmup}s" --duration "${duration}s" --json \
    >"$dir/bench.json" 2>"$dir/bench.err" &
  bench=$!
  # The server's CPU and the events it answered are read from the bench's first progress line
  # of the measurement (a line with a p99; those of the warm-up have none), one second in, for
  # all but the last seconds. Both from the server itself, over the same window: a stall of the
  # host within the run moves both alike (dividing by the run's average rate did not).
  until grep -q "p99" "$dir/bench.err"; do
    if ! kill -0 "$bench" 2>/dev/null; then
      log "the load against server $name ended before its measurement began; its output:"
      tail -n 20 "$dir/bench.err" >&2
      exit 1
    fi
    sleep 0.1
  done
  c0=$(cpu_ticks "$pid")
  n0=$(processed "$name") || { kill "$bench" 2>/dev/null; exit 1; }
  sleep $((duration - 3))
  c1=$(cpu_ticks "$pid")
  n1=$(processed "$name") || { kill "$bench" 2>/dev/null; exit 1; }
  wait "$bench" || rc=$?
  bench=
  if [ "$rc" != 0 ]; then
    # 1: some answers were not OK, which a server under comparison must not give
    log "the load against server $name failed (exit $rc); its output and the server's log:"
    tail -n 20 "$dir/bench.err" "$dir/server.log" >&2
    exit 1
  fi
  python3 - "$dir/bench.json" "$name" "$c0" "$c1" "$n0" "$n1" "$(getconf CLK_TCK)" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
c0, c1, n0, n1, tck = map(float, sys.argv[3:])
rps = json.load(open(path))["throughput_per_s"]
if n1 <= n0:
    sys.exit(f"server {name} counted no events while it was measured; see its server.log")
print(name, round(rps), round((c1 - c0) / tck / (n1 - n0) * 1e6, 2))
PY
}

start a "$dist_a" "${OPTS_A:-}"
start b "$dist_b" "${OPTS_B:-}"
log "warming both up (30 s each)"
run a 30 4 >/dev/null
run b 30 4 >/dev/null
: >"$work/runs"
for n in $(seq 1 "$pairs"); do
  log "pair $n of $pairs"
  order=(a b)
  [ $((n % 2)) = 0 ] && order=(b a)
  for name in "${order[@]}"; do
    run "$name" 5 10 | tee -a "$work/runs"
  done
done
python3 - "$work/runs" <<'PY'
import statistics, sys
runs = [line.split() for line in open(sys.argv[1]) if line.strip()]
cpu = {"a": [], "b": []}
rps = {"a": [], "b": []}
for name, r, c in runs:
    rps[name].append(float(r))
    cpu[name].append(float(c))
diffs = [b - a for a, b in zip(cpu["a"], cpu["b"])]
print(f"median µs/req: a {statistics.median(cpu['a']):.2f}, b {statistics.median(cpu['b']):.2f};"
      f" median of the pairs' b - a: {statistics.median(diffs):+.2f}"
      f" ({sum(d < 0 for d in diffs)} of {len(diffs)} pairs lower for b)")
print(f"median req/s: a {statistics.median(rps['a']):.0f}, b {statistics.median(rps['b']):.0f}")
PY
