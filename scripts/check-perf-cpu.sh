#!/usr/bin/env bash
# CPU per write of `etcdctl check perf`, per member and per thread: starts a fresh three-member
# cluster of raftkv or etcd 3.4 on loopback, reads /proc/<pid>/task/*/stat before and after one
# check perf run, and divides by the writes it made. Not part of the test suite.
# Usage: npm run build && scripts/check-perf-cpu.sh raftkv|etcd [load: s|m|l]
# Needs /usr/bin/etcd, /usr/bin/etcdctl (Debian etcd-server, etcd-client) and /usr/bin/time (time).
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=${1:?raftkv or etcd}
LOAD=${2:-l}
BASE=17000
WORK=$(mktemp -d /tmp/raftkv-cpu-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

ic=""
for i in 1 2 3; do ic+="n$i=http://127.0.0.1:$((BASE + 10 * i + 1)),"; done
for i in 1 2 3; do
  c=$((BASE + 10 * i)) p=$((BASE + 10 * i + 1))
  flags=(--name "n$i" --data-dir "$WORK/n$i" --listen-client-urls "http://127.0.0.1:$c"
    --advertise-client-urls "http://127.0.0.1:$c" --listen-peer-urls "http://127.0.0.1:$p"
    --initial-advertise-peer-urls "http://127.0.0.1:$p" --initial-cluster "${ic%,}"
    --initial-cluster-token "cpu-$KIND" --initial-cluster-state new)
  if [ "$KIND" = etcd ]; then /usr/bin/etcd "${flags[@]}" >"$WORK/n$i.log" 2>&1 &
  else node dist/src/bin/raftkv.js "${flags[@]}" >"$WORK/n$i.log" 2>&1 &
  fi
  PIDS+=($!)
done
ENDPOINTS="127.0.0.1:$((BASE + 10)),127.0.0.1:$((BASE + 20)),127.0.0.1:$((BASE + 30))"
for _ in $(seq 1 100); do
  ETCDCTL_API=3 etcdctl --endpoints="$ENDPOINTS" endpoint health >/dev/null 2>&1 && break
  sleep 0.2
done

threads() { # "pid/tid/name ticks" for every thread of the members
  for p in "${PIDS[@]}"; do
    for t in /proc/"$p"/task/*; do echo "$p/${t##*/}/$(tr ' ' _ <"$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done
  done | sort
}
threads >"$WORK/before"
/usr/bin/time -f "%U %S" -o "$WORK/time" env ETCDCTL_API=3 etcdctl --endpoints="$ENDPOINTS" check perf --load="$LOAD" >"$WORK/out" 2>&1 || true
threads >"$WORK/after"
tr '\r' '\n' <"$WORK/out" | grep -E '^(PASS|FAIL|Slowest|Stddev|Error)' || true
rate=$(grep -o '[0-9]* writes/s' "$WORK/out" | grep -o '^[0-9]*' | head -1 || true)
writes=$(( ${rate:-0} * 60 ))
[ "$writes" -gt 0 ] || { echo "no throughput figure in check perf's output" >&2; exit 1; }
hz=$(getconf CLK_TCK)
echo "CPU per write (us), $writes writes:"
join "$WORK/before" "$WORK/after" | awk -v n="$writes" -v hz="$hz" '
  { us = ($3 - $2) * 1e6 / hz / n; split($1, a, "/"); proc[a[1]] += us; if (us >= 5) printf "  thread %s: %.0f\n", $1, us }
  END { for (p in proc) { printf "  member pid %s: %.0f\n", p, proc[p]; all += proc[p] }; printf "  members together: %.0f\n", all }'
tail -n 1 "$WORK/time" | awk -v n="$writes" '{printf "  etcdctl: %.0f\n", ($1 + $2) * 1e6 / n}'
