# Shared by the benchmark scripts that start servers; sourced, not run. The caller defines
# log MESSAGE (to stderr).

# free_port: a TCP port on the loopback address that nothing listens on just now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for LOG REGEX PID SECONDS: waits until LOG has a line matching REGEX; prints the line.
wait_for() {
  local file=$1 pattern=$2 pid=$3 limit=$4 waited=0 line
  while :; do
    if line=$(grep -E -m 1 "$pattern" "$file" 2>/dev/null); then
      printf '%s\n' "$line"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the server exited before it was ready; its log ($file):"
      tail -n 30 "$file" >&2
      return 1
    fi
    if [ "$waited" -ge $((limit * 10)) ]; then
      log "the server was not ready after ${limit}s; its log ($file):"
      tail -n 30 "$file" >&2
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}
