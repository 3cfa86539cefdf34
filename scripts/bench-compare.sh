#!/usr/bin/env bash
# Side-by-side benchmark: a three-node raftkv cluster and a three-node etcd 3.4 cluster, started
# the same way on loopback, each driven by `etcdctl check perf` and scripts/bench.ts in turn.
# Usage: npm run build && scripts/bench-compare.sh [perf-load: s|m|l] [bench total]
# Needs /usr/bin/etcd and /usr/bin/etcdctl (Debian etcd-server, etcd-client) and /usr/bin/time (time).
# REWRITE_PATH=1: raftkv runs check perf a second time through http:// endpoints (the :authority
# rewrite path of the client port) after the first (native sockets).
# PROFILE_DIR=/some/dir: raftkv members run with node --cpu-prof and leave their profiles (one per
# thread) in PROFILE_DIR/n1..n3; summarise them with node dist-dev/scripts/cpuprofile-summary.js.
set -euo pipefail
cd "$(dirname "$0")/.."
LOAD=${1:-l}
TOTAL=${2:-20000}
WORK=$(mktemp -d /tmp/raftkv-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

start_cluster() { # $1 = raftkv|etcd, $2 = base port
  local kind=$1 base=$2 ic="" i
  for i in 1 2 3; do ic+="n$i=http://127.0.0.1:$((base + 10 * i + 1)),"; done
  ic=${ic%,}
  for i in 1 2 3; do
    local c=$((base + 10 * i)) p=$((base + 10 * i + 1))
    local flags=(--name "n$i" --data-dir "$WORK/$kind-n$i" --listen-client-urls "http://127.0.0.1:$c"
      --advertise-client-urls "http://127.0.0.1:$c" --listen-peer-urls "http://127.0.0.1:$p"
      --initial-advertise-peer-urls "http://127.0.0.1:$p" --initial-cluster "$ic"
      --initial-cluster-token "bench-$kind" --initial-cluster-state new)
    if [ "$kind" = etcd ]; then /usr/bin/etcd "${flags[@]}" >"$WORK/$kind-n$i.log" 2>&1 &
    elif [ -n "${PROFILE_DIR:-}" ]; then
      mkdir -p "$PROFILE_DIR/n$i"
      node --cpu-prof --cpu-prof-dir="$PROFILE_DIR/n$i" dist/src/bin/raftkv.js "${flags[@]}" >"$WORK/$kind-n$i.log" 2>&1 &
    else node dist/src/bin/raftkv.js "${flags[@]}" >"$WORK/$kind-n$i.log" 2>&1 &
    fi
    PIDS+=($!)
  done
  ENDPOINTS="127.0.0.1:$((base + 10)),127.0.0.1:$((base + 20)),127.0.0.1:$((base + 30))"
  for _ in $(seq 1 100); do
    ETCDCTL_API=3 etcdctl --endpoints="$ENDPOINTS" endpoint health >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "$kind cluster did not become healthy" >&2
  return 1
}

stop_cluster() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep "${STOP_GRACE:-1}" # profiles are written as the process exits
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  PIDS=()
}

rss() { # resident memory of the running cluster's processes, MiB each
  for p in "${PIDS[@]}"; do echo -n "$(( $(awk '/VmRSS/ {print $2}' /proc/$p/status) / 1024 )) "; done
}

cpu_ms() { # user + system CPU the cluster's processes have used so far, ms
  local ticks=0 p
  for p in "${PIDS[@]}"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
  echo $((ticks * 1000 / $(getconf CLK_TCK)))
}

# Runs a load and prints its output, then the CPU it cost per operation: the three members together
# and the client. On 2 cores this, not the throughput of one run, is the steadier figure.
# $1 = operations the load performs ("check" = read from check perf's writes/s), rest = command.
measure() {
  local ops=$1 before after
  shift
  before=$(cpu_ms)
  /usr/bin/time -f "%U %S" -o "$WORK/time" "$@" >"$WORK/out" 2>&1 || true
  after=$(cpu_ms)
  if [ "$ops" = check ]; then
    tr '\r' '\n' <"$WORK/out" | grep -E '^(PASS|FAIL|Slowest|Stddev)' || true
    local rate
    rate=$(grep -o '[0-9]* writes/s' "$WORK/out" | grep -o '^[0-9]*' | head -1 || true)
    ops=$(( ${rate:-0} * 60 ))
  else
    cat "$WORK/out"
  fi
  [ "$ops" -gt 0 ] || return 0
  # The last line: time(1) puts "Command exited with non-zero status" first when check perf fails.
  tail -n 1 "$WORK/time" | awk -v s=$((after - before)) -v n="$ops" \
    '{printf "  CPU per operation: members %.0f us, client %.0f us\n", s * 1000 / n, ($1 + $2) * 1e6 / n}'
}

# The bench loads run first, on a fresh cluster; check perf runs last, because it leaves ~200k
# deleted keys behind, after which etcd 3.4's reads slow down by two orders of magnitude.
run_suite() { # $1 = kind
  local kind=$1
  echo "===== $kind ($(date -u +%H:%M:%S), load average $(cut -d' ' -f1-3 /proc/loadavg)) ====="
  for op in put range range-s txn; do
    echo "--- bench $op"
    measure "$TOTAL" node dist-dev/scripts/bench.js --endpoints "$ENDPOINTS" --op "$op" --clients 32 --concurrency 4 --total "$TOTAL" --val-size 256
  done
  echo "--- bench watch (CPU per put, each delivered to 200 watchers)"
  measure 1000 node dist-dev/scripts/bench.js --endpoints "$ENDPOINTS" --op watch --clients 8 --watchers 200 --total 1000
  echo "--- etcdctl check perf --load=$LOAD"
  # A failed latency bound is printed without a PASS/FAIL prefix ("Slowest request took too long: ...").
  measure check env ETCDCTL_API=3 etcdctl --endpoints="$ENDPOINTS" check perf --load="$LOAD"
  echo "--- RSS after check perf (MiB per node): $(rss)"
  if [ "$kind" = raftkv ] && [ -n "${REWRITE_PATH:-}" ]; then
    # etcdctl sends an endpoint given as http://host:port as its :authority, which nghttp2 refuses:
    # these connections take the client port's JavaScript rewriter instead of the native socket.
    echo "--- etcdctl check perf --load=$LOAD through http:// endpoints (authority rewrite path)"
    ETCDCTL_API=3 etcdctl --endpoints="$(echo "$ENDPOINTS" | sed 's|^|http://|; s|,|,http://|g')" check perf --load="$LOAD" --prefix=/rewrite-perf 2>&1 | tr '\r' '\n' | grep -E '^(PASS|FAIL|Slowest|Stddev)' || true
  fi
}

# Fixed ports below the kernel's ephemeral range (32768+), where client connections could hold them.
start_cluster etcd 15000; run_suite etcd; stop_cluster
start_cluster raftkv 16000; run_suite raftkv; STOP_GRACE=5 stop_cluster
