#!/bin/sh
# Records one scenario of incidents.go: real `ss -tanoip` snapshots every 0.5 s (framed with
# `### ss-snapshot <epoch-ns> <host>` headers, plus `### fd-count` lines of the profiled process),
# goroutine dumps (debug=2, and debug=0 protobuf) at start and end, a CPU profile and a trace in the
# middle, block/mutex profiles, lsof and /proc/PID/fd at the end.
#   usage: record.sh SCENARIO PORT OUTDIR [SECONDS]   (needs: go, ss, curl, lsof; loopback only)
set -eu
SCEN=$1; PORT=$2; OUT=$3; SECS=${4:-16}
PPROF=$((PORT + 1))
GO=${GO:-/usr/lib/go-1.27/bin/go}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(mktemp -d)/incidents
mkdir -p "$OUT"
(cd "$HERE" && GOTOOLCHAIN=local "$GO" build -trimpath -o "$BIN" incidents.go)
HOST=$(hostname)
CAP="$OUT/ss-capture.txt"
: > "$CAP"
snap() {
  echo "### ss-snapshot $(date +%s%N) $HOST" >> "$CAP"
  ss -tanoip "( sport = :$PORT or dport = :$PORT )" >> "$CAP"
  if [ -n "${PID:-}" ] && [ -d /proc/$PID/fd ]; then
    echo "### fd-count $(date +%s%N) $HOST $PID $(ls /proc/$PID/fd | wc -l)" >> "$CAP"
  fi
}
PID=
# The profiled process is the client in tw-transport-per-request: its server peer starts first.
if [ "$SCEN" = tw-transport-per-request ] || [ "$SCEN" = transport-leak ]; then
  "$BIN" -mode "$SCEN" -role q -port "$PORT" & QPID=$!
  sleep 0.3
  snap
  "$BIN" -mode "$SCEN" -role p -port "$PORT" -pprof "$PPROF" & PID=$!
else
  snap
  "$BIN" -mode "$SCEN" -role p -port "$PORT" -pprof "$PPROF" & PID=$!
  sleep 0.3
  "$BIN" -mode "$SCEN" -role q -port "$PORT" & QPID=$!
fi
( while kill -0 $PID 2>/dev/null; do snap; sleep 0.5; done ) & LOOP=$!
P="http://127.0.0.1:$PPROF/debug/pprof"
sleep 1
curl -s "$P/goroutine?debug=2" | gzip -9 > "$OUT/goroutines-start.txt.gz"
curl -s -o "$OUT/goroutine-start.pb.gz" "$P/goroutine"
sleep $((SECS / 2 - 3))
curl -s -o "$OUT/cpu.pb.gz" "$P/profile?seconds=3" & CPUJOB=$!
curl -s "$P/trace?seconds=2" | gzip -9 > "$OUT/trace.out.gz"
wait $CPUJOB
sleep $((SECS / 2 - 2))
curl -s "$P/goroutine?debug=2" | gzip -9 > "$OUT/goroutines-end.txt.gz"
curl -s -o "$OUT/goroutine-end.pb.gz" "$P/goroutine"
curl -s -o "$OUT/block.pb.gz" "$P/block"
curl -s -o "$OUT/mutex.pb.gz" "$P/mutex"
lsof -n -P -p $PID > "$OUT/lsof.txt" 2>/dev/null || true
ls -l /proc/$PID/fd > "$OUT/proc-fd.txt" 2>/dev/null || true
sleep 0.5
kill $QPID $PID 2>/dev/null || true
wait $PID 2>/dev/null || true
kill $LOOP 2>/dev/null || true
wait $LOOP 2>/dev/null || true
sleep 0.3
snap
gzip -9 -f "$CAP"
ls -l "$OUT"
