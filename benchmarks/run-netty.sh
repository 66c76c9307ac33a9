#!/bin/sh
# Builds benchmarks/target/benchmarks.jar and measures the netty transport over TLS on
# loopback: the raw echo server (same framing and TLS, no engine), Sluice's netty server with an
# immediate sink (the transport alone), and the whole server with the echo processor. JMH's JSON
# goes to benchmarks/target/netty.json (or $RESULT_FILE); see docs/benchmarks.md. This is the
# transport and engine without the store, throughput only; the issue's benchmark (sluice bench
# against the raw server and `sluice serve`, with latency percentiles) is run-netty-bench.sh.
#
#   benchmarks/run-netty.sh                        # build, then run all three targets
#   SKIP_BUILD=1 benchmarks/run-netty.sh -wi 5 -i 10 -p connections=1,4 -p dataBytes=32,4096
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # shellcheck disable=SC2086 # MVN_FLAGS is a list of flags
  mvn -B -q ${MVN_FLAGS:-} -Pbenchmarks -pl benchmarks -am package -DskipTests
fi

result=${RESULT_FILE:-benchmarks/target/netty.json}
java -jar benchmarks/target/benchmarks.jar NettyEchoBenchmark -rf json -rff "$result" "$@"

# One line: requests/s of each target and the ratios to the raw server.
python3 - "$result" <<'PY'
import json, sys
scores = {r["params"]["target"]: r["primaryMetric"]["score"] for r in json.load(open(sys.argv[1]))}
raw = scores.get("raw")
out = {t: round(s) for t, s in scores.items()}
if raw:
    out.update({t + "/raw": round(s / raw, 3) for t, s in scores.items() if t != "raw"})
print(json.dumps(out))
PY
