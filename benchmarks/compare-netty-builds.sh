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
# time per request in µs (user + system, from /proc, over the run's measured seconds), then a
# summary: the median of each and of the pairs' differences (b minus a). Progress on stderr.
#
#   benchmarks/compare-netty-builds.sh DIST_A DIST_B [PAIRS]
#   OPTS_B=-XX:+UseParallelGC benchmarks/compare-netty-builds.sh D D     # one build, two options
#
# DIST_A and DIST_B are unpacked distributions (distribution/target/sluice, or a copy of it with
# a jar swapped). PAIRS (default 6) pairs of 10 s runs after 5 s of warm-up each, after one 30 s
# warm-up per server: about 5 minutes in all. OPTS_A and OPTS_B are extra JVM options
# (SLUICE_OPTS) of each server; both servers get -Xms2g -Xmx2g.
set -euo pipefail

[ $# -ge 2 ] || { sed -n '2,23p' "$0" >&2; exit 2; }
dist_a=$(cd "$1" && pwd)
dist_b=$(cd "$2" && pwd)
pairs=${3:-6}
for d in "$dist_a" "$dist_b"; do
  [ -x "$d/bin/sluice" ] || { echo "no $d/bin/sluice: give an unpacked distribution" >&2; exit 2; }
done

log() { printf '[compare %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-compare.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start NAME DIST OPTS: a server; its pid in $work/NAME/pid
start() {
  local name=$1 dist=$2 opts=$3 dir=$work/$1
  mkdir -p "$dir"
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
  port: $(free_port)
processors:
  - name: echo
    types: [example.echo]
    execution: inline
EOF
  SLUICE_OPTS="$opts" JAVA_OPTS="-Xms2g -Xmx2g" "$dist/bin/sluice" serve -c "$dir/sluice.yaml" \
    >"$dir/server.log" 2>&1 &
  pids+=($!)
  local waited=0
  until grep -q "ready on" "$dir/server.log"; do
    if ! kill -0 "${pids[-1]}" 2>/dev/null || [ $waited -ge 1200 ]; then
      log "server $name did not start; its log:"
      tail -n 30 "$dir/server.log" >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  # bin/sluice may run java as a child: the process that serves is the one with the config
  pgrep -f "serve -c $dir/sluice.yaml" | head -n 1 >"$dir/pid"
  log "server $name ready ($dist${opts:+, $opts})"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME WARMUP_S DURATION_S: one bench run against NAME; prints "NAME req/s µs/req"
run() {
  local name=$1 warmup=$2 duration=$3 dir=$work/$1 pid
  pid=$(cat "$dir/pid")
  # the CPU is read over the measured seconds but one at each end (the generator's JVM starts
  # before its warm-up does)
  (sleep $((warmup + 3)); a=$(cpu_ticks "$pid"); sleep $((duration - 2))
   echo "$a $(cpu_ticks "$pid")" >"$dir/cpu") &
  local sampler=$!
  JAVA_OPTS="-Xms256m -Xmx256m" "$dist_a/bin/sluice" bench -c "$dir/sluice.yaml" \
    --type example.echo --data '{"payload":"0123456789abcdef0123"}' --concurrency 64 \
    --connections 4 --warmup "${warmup}s" --duration "${duration}s" --json \
    >"$dir/bench.json" 2>/dev/null || true
  wait "$sampler"
  python3 - "$dir" "$name" "$((duration - 2))" "$(getconf CLK_TCK)" <<'PY'
import json, sys
d, name, seconds, tck = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
rps = json.load(open(f"{d}/bench.json"))["throughput_per_s"]
a, b = map(float, open(f"{d}/cpu").read().split())
print(name, round(rps), round((b - a) / tck / (rps * seconds) * 1e6, 2) if rps else "nan")
PY
}

start a "$dist_a" "${OPTS_A:-}"
start b "$dist_b" "${OPTS_B:-}"
log "warming both up (30 s each)"
run a 30 5 >/dev/null
run b 30 5 >/dev/null
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
