#!/usr/bin/env bash
# Measures, with one load generator (`sluice bench` from the assembled distribution), the raw
# Netty TLS echo server (RawEchoServer: the same framing, TLS policy, HELLO and PING as Sluice,
# no engine) and `sluice serve` with the echo processor, and prints ONE JSON object on stdout:
#
#   1. peak: closed loop, K requests in flight over C connections, for each server:
#      requests/s and p50/p99/p99.9, and sluice/raw of the throughput (target >= 0.85);
#   2. half rate: open loop at half of the raw server's peak rate (`--rate`), for each server:
#      p99 (and the rest), and sluice/raw of the p99 (target <= 2).
#
# Both are measured in ROUNDS rounds, the two servers taking turns (raw first in odd rounds,
# Sluice first in even ones), and each figure is the median of its rounds: on a shared machine
# the speed of the host drifts by tens of percent within minutes, and one run of each server
# compared two different moments as much as two servers. Every round's figures are in the JSON
# too ("rounds").
#
# It reports; it does not fail when a target is missed. Progress goes to stderr.
#
#   benchmarks/run-netty-bench.sh                     # build, then measure
#   SKIP_BUILD=1 K=32 C=2 DURATION=20s benchmarks/run-netty-bench.sh
#
# Environment (defaults suit a 2-core machine on which the servers and the generator share the
# cores):
#   K=64           requests in flight, over all connections
#   C=4            connections (one TCP connection per `sluice bench` client)
#   DURATION=15s   measured time of each run
#   ROUNDS=3       rounds of each comparison (peak, then half rate)
#   WARMUP=30s     load before each server's first run that is not measured. Sluice's server
#                  needs about 25 s of load on 2 cores before the JIT has compiled its path
#                  (after 10 s its C2 compiler thread still used 30 % of the server's CPU); with
#                  less, the run measures the compiler, not the server
#   ROUND_WARMUP=10s    load before each later run that is not measured (the servers are warm;
#                  the generator is a new JVM each run)
#   DATA='{"n":…}' the event's data (JSON); about 32 bytes by default
#   RATE_FRACTION=0.5   the fraction of the raw peak used for the latency comparison
#   RATE_K=4*K          the in-flight cap of the half-rate runs: higher than K, so that the cap
#                       itself does not queue requests at a rate the server sustains
#   DURABILITY=log      store.durability of the Sluice server: log (the default: each event and
#                       its result written to the embedded H2 store), none (idempotency key and
#                       result only) or memory (nothing of the event in the store: the server and
#                       the transport alone, what the issue's target is about)
#   EXECUTION=inline    the echo processor's `execution`: inline (the default here: it runs on
#                       the event loop that read the request, as a processor that never blocks
#                       should) or workers (the engine's default: queued for worker threads,
#                       two thread hand-offs per request)
#   CONCURRENCY         the echo processor's workers (default: the processor default, 8); a
#                       processor that only computes needs no more than the cores
#   SERVER_JAVA_OPTS    JVM options of both servers (default -Xms2g -Xmx2g). Sluice keeps the
#                       last 100 000 results in memory for idempotency; with a 512 MB heap the
#                       collector copied them from region to region and used a fifth of the
#                       server's CPU. `sluice serve` itself leaves the heap to the JVM (a quarter
#                       of the memory); 2 GB is pinned here so that runs compare across machines
#   BENCH_JAVA_OPTS     JVM options of the load generator (default -Xms256m -Xmx256m)
#   SKIP_BUILD=1        reuse the built distribution and benchmarks jar
#   MVN_FLAGS=-o        flags for the build (e.g. offline)
#   KEEP_WORK=1         keep the temporary directory (configs, server logs, raw JSON)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

K=${K:-64}
C=${C:-4}
DURATION=${DURATION:-15s}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-30s}
ROUND_WARMUP=${ROUND_WARMUP:-10s}
DATA=${DATA:-'{"payload":"0123456789abcdef0123"}'}
RATE_FRACTION=${RATE_FRACTION:-0.5}
DURABILITY=${DURABILITY:-log}
RATE_K=${RATE_K:-$((4 * K))}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xms2g -Xmx2g}
EXECUTION=${EXECUTION:-inline}
BENCH_JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms256m -Xmx256m}

dist=$root/distribution/target/sluice
jar=$root/benchmarks/target/benchmarks.jar

log() { printf '[run-netty-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the distribution and the benchmarks jar"
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  mvn -B -q ${MVN_FLAGS:-} -Pbenchmarks -pl distribution,benchmarks -am package -DskipTests
fi
[ -x "$dist/bin/sluice" ] || { log "no $dist/bin/sluice: build first (without SKIP_BUILD)"; exit 2; }
[ -f "$jar" ] || { log "no $jar: build first (without SKIP_BUILD)"; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-netty-bench.XXXXXX")
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP_WORK:-0}" = 1 ]; then
    log "kept $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port and wait_for
. "$root/benchmarks/lib/servers.sh"

load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
log "load average before: $load_before ($(nproc) cores); K=$K C=$C duration=$DURATION rounds=$ROUNDS warmup=$WARMUP, then $ROUND_WARMUP"

# --- the raw echo server ---------------------------------------------------------------------
mkdir -p "$work/raw-data"
# shellcheck disable=SC2086 # SERVER_JAVA_OPTS is a list of options
java $SERVER_JAVA_OPTS -cp "$jar" dev.sluice.benchmarks.netty.RawEchoServer 0 "$work/raw-data" \
  >"$work/raw.log" 2>&1 &
pids+=($!)
raw_pid=$!
raw_line=$(wait_for "$work/raw.log" 'raw echo server on tls://' "${pids[-1]}" 60)
raw_port=$(sed -n 's|.*tls://127\.0\.0\.1:\([0-9]*\).*|\1|p' <<<"$raw_line")
log "raw echo server ready on port $raw_port"

# The client trusts the raw server's development certificate through its data directory, and
# logs in anonymously (there is no password file there).
cat >"$work/raw.yaml" <<EOF
server:
  data-directory: $work/raw-data
transport:
  type: netty
  netty:
    host: 127.0.0.1
    port: $raw_port
    client:
      connections: 1
EOF

# --- sluice serve with the echo processor ----------------------------------------------------
# The shipped defaults, except for the ports (free ones) and the data directory (a fresh one,
# holding the H2 store, the development certificate and the first-start admin password that the
# client then uses).
sluice_port=$(free_port)
admin_port=$(free_port)
mkdir -p "$work/sluice-data"
cat >"$work/sluice.yaml" <<EOF
server:
  name: sluice-bench
  data-directory: $work/sluice-data
  plugins-directory: $dist/plugins
transport:
  type: netty
  netty:
    host: 127.0.0.1
    port: $sluice_port
    client:
      connections: 1
store:
  url: jdbc:h2:file:$work/sluice-data/sluice-store;AUTO_SERVER=TRUE
  durability: $DURABILITY
admin:
  port: $admin_port
processors:
  - name: echo
    types: [example.echo]
    execution: $EXECUTION
${CONCURRENCY:+    concurrency: $CONCURRENCY}
EOF
JAVA_OPTS="$SERVER_JAVA_OPTS" "$dist/bin/sluice" serve -c "$work/sluice.yaml" \
  >"$work/sluice.log" 2>&1 &
pids+=($!)
sluice_pid=$!
wait_for "$work/sluice.log" "sluice 'sluice-bench' ready on" "${pids[-1]}" 120 >/dev/null
log "sluice serve ready on port $sluice_port (admin on $admin_port)"

# CPU time (user + system) a process has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
seconds() { python3 -c 'import re,sys; v,u=re.fullmatch(r"([0-9.]+)(ms|s|m)?",sys.argv[1]).groups(); print(float(v)*{"ms":0.001,"s":1,"m":60,None:1}[u])' "$1"; }
duration_s=$(seconds "$DURATION")

# bench NAME CONFIG K SERVER_PID WARMUP [--rate R]: one `sluice bench` run; its JSON goes to
# $work/NAME.json, and the server's CPU ticks over (about) the measured window to
# $work/NAME.cpu ("start end"), from /proc while the run goes on.
bench() {
  local name=$1 config=$2 k=$3 server=$4 warmup=$5 rc=0
  shift 5
  log "$name: sluice bench --concurrency $k --connections $C $* (warm-up $warmup, then $DURATION)"
  (sleep "$(seconds "$warmup")"; a=$(cpu_ticks "$server"); sleep "$duration_s"
   echo "$a $(cpu_ticks "$server")" >"$work/$name.cpu") &
  local sampler=$!
  JAVA_OPTS="$BENCH_JAVA_OPTS" "$dist/bin/sluice" bench -c "$config" --type example.echo \
    --data "$DATA" --concurrency "$k" --connections "$C" --warmup "$warmup" \
    --duration "$DURATION" --json "$@" >"$work/$name.json" || rc=$?
  wait "$sampler" || true
  # 1 means some results were not OK: still a measurement, reported under by_status.
  if [ "$rc" -gt 1 ]; then
    log "$name: sluice bench failed (exit $rc)"
    exit "$rc"
  fi
}

# round KIND N K WARMUP [--rate R]: both servers once, raw first in odd rounds.
round() {
  local kind=$1 n=$2 k=$3 warmup=$4
  shift 4
  local order=(raw sluice)
  [ $((n % 2)) = 0 ] && order=(sluice raw)
  for server in "${order[@]}"; do
    if [ "$server" = raw ]; then
      bench "raw-$kind-$n" "$work/raw.yaml" "$k" "$raw_pid" "$warmup" "$@"
    else
      bench "sluice-$kind-$n" "$work/sluice.yaml" "$k" "$sluice_pid" "$warmup" "$@"
    fi
  done
}

for n in $(seq 1 "$ROUNDS"); do
  log "peak, round $n of $ROUNDS"
  round peak "$n" "$K" "$([ "$n" = 1 ] && echo "$WARMUP" || echo "$ROUND_WARMUP")"
done
rate=$(python3 - "$work" "$ROUNDS" "$RATE_FRACTION" <<'PY'
import json, statistics, sys
work, rounds, fraction = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
peaks = [json.load(open(f"{work}/raw-peak-{n}.json"))["throughput_per_s"]
         for n in range(1, rounds + 1)]
print(max(1, round(statistics.median(peaks) * fraction)))
PY
)
log "half rate: $rate requests/s for both (of the raw server's median peak)"
for n in $(seq 1 "$ROUNDS"); do
  log "half rate, round $n of $ROUNDS"
  round rate "$n" "$RATE_K" "$ROUND_WARMUP" --rate "$rate"
done

load_after=$(cut -d ' ' -f 1-3 /proc/loadavg)
python3 - "$work" "$K" "$C" "$DURATION" "$WARMUP" "$DATA" "$RATE_FRACTION" "$rate" \
  "$load_before" "$load_after" "$(nproc)" "$DURABILITY" "$RATE_K" "$(getconf CLK_TCK)" \
  "$duration_s" "${CONCURRENCY:-default}" "$EXECUTION" "$SERVER_JAVA_OPTS" "$ROUNDS" \
  "$ROUND_WARMUP" <<'PY'
import json, statistics, sys
(work, k, c, duration, warmup, data, fraction, rate, before, after, cores, durability, rate_k,
 clk_tck, duration_s, echo_concurrency, execution, server_java_opts, rounds,
 round_warmup) = sys.argv[1:]
rounds = range(1, int(rounds) + 1)

def cpu_us_per_request(name, per_s):
    # the server's CPU time over about the measured window, per request answered in it
    try:
        start, end = map(float, open(f"{work}/{name}.cpu").read().split())
    except (OSError, ValueError):
        return None
    if per_s <= 0:
        return None
    return round((end - start) / float(clk_tck) / (per_s * float(duration_s)) * 1e6, 1)

def run(name):
    r = json.load(open(f"{work}/{name}.json"))
    lat = r["latency_us"]
    return {"requests_per_s": round(r["throughput_per_s"], 1),
            "server_cpu_us_per_request": cpu_us_per_request(name, r["throughput_per_s"]),
            "p50_us": round(lat["p50"], 1), "p99_us": round(lat["p99"], 1),
            "p99_9_us": round(lat["p99_9"], 1), "max_us": round(lat["max"], 1),
            "requests": r["requests"], "not_ok": r["requests"] - r["ok"],
            "unfinished": r.get("unfinished", 0), "by_status": r["by_status"]}

def median(runs):
    # each figure's median over the rounds; counts are summed
    out = {}
    for key in ("requests_per_s", "server_cpu_us_per_request", "p50_us", "p99_us", "p99_9_us",
                "max_us"):
        values = [r[key] for r in runs if r[key] is not None]
        out[key] = round(statistics.median(values), 1) if values else None
    for key in ("requests", "not_ok", "unfinished"):
        out[key] = sum(r[key] for r in runs)
    by_status = {}
    for r in runs:
        for status, n in r["by_status"].items():
            by_status[status] = by_status.get(status, 0) + n
    out["by_status"] = by_status
    return out

def brief(r):
    return {key: r[key] for key in ("requests_per_s", "server_cpu_us_per_request", "p99_us")}

peak, at_rate = [], []
for n in rounds:
    raw, sluice = run(f"raw-peak-{n}"), run(f"sluice-peak-{n}")
    peak.append({"raw": raw, "sluice": sluice,
                 "throughput_ratio": sluice["requests_per_s"] / raw["requests_per_s"]})
    raw_r, sluice_r = run(f"raw-rate-{n}"), run(f"sluice-rate-{n}")
    for r in (raw_r, sluice_r):
        # At a fixed rate a server that falls behind has no meaningful p99 of its own: its
        # latency grows with the run. Call it sustained only if it carried nearly the whole
        # rate, all OK.
        r["sustained"] = (r["requests_per_s"] >= 0.95 * float(rate) and r["not_ok"] == 0
                          and r["unfinished"] == 0)
    at_rate.append({"raw": raw_r, "sluice": sluice_r,
                    "p99_ratio": (sluice_r["p99_us"] / raw_r["p99_us"]
                                  if raw_r["p99_us"] > 0 and sluice_r["sustained"] else None)})

throughput_ratio = statistics.median(r["throughput_ratio"] for r in peak)
# a round in which Sluice did not sustain the rate counts as a miss, not as a gap
p99_ratios = [r["p99_ratio"] if r["p99_ratio"] is not None else float("inf") for r in at_rate]
p99_ratio = statistics.median(p99_ratios)
p99_ratio = None if p99_ratio == float("inf") else p99_ratio
rate_raw, rate_sluice = median([r["raw"] for r in at_rate]), median([r["sluice"] for r in at_rate])
rate_raw["sustained"] = all(r["raw"]["sustained"] for r in at_rate)
rate_sluice["sustained"] = all(r["sluice"]["sustained"] for r in at_rate)
print(json.dumps({
    "params": {"concurrency": int(k), "connections": int(c), "duration": duration,
               "rounds": len(rounds), "warmup": warmup, "round_warmup": round_warmup,
               "sluice_store_durability": durability,
               "sluice_echo_concurrency": echo_concurrency,
               "sluice_echo_execution": execution, "server_java_opts": server_java_opts,
               "data_bytes": len(data.encode()), "cores": int(cores),
               "load_average_before": before, "load_average_after": after},
    "peak": {"raw": median([r["raw"] for r in peak]),
             "sluice": median([r["sluice"] for r in peak]),
             "throughput_ratio": round(throughput_ratio, 3),
             "rounds": [{"raw": brief(r["raw"]), "sluice": brief(r["sluice"]),
                         "throughput_ratio": round(r["throughput_ratio"], 3)} for r in peak]},
    "at_rate": {"rate_per_s": int(rate), "fraction_of_raw_peak": float(fraction),
                "concurrency": int(rate_k),
                "raw": rate_raw, "sluice": rate_sluice,
                "p99_ratio": None if p99_ratio is None else round(p99_ratio, 3),
                "rounds": [{"raw": brief(r["raw"]), "sluice": brief(r["sluice"]),
                            "p99_ratio": None if r["p99_ratio"] is None
                            else round(r["p99_ratio"], 3)} for r in at_rate]},
    "targets": {"throughput_ratio_min": 0.85, "throughput_met": throughput_ratio >= 0.85,
                "p99_ratio_max": 2.0, "p99_met": p99_ratio is not None and p99_ratio <= 2.0},
}))
PY
