#!/bin/sh
# Per-stack references of the trace blocking profiles (run from the project root):
#   go tool trace -pprof=KIND TRACE > KIND.pb; go tool pprof -raw KIND.pb | raw-to-json.py
# for every trace fixture and every trace in ../../traces; NAME.KIND.json.gz, NAME = path with / → _.
set -e
out=$(dirname "$0")
. "$out/../lib.sh"
tmp=$(mktemp -d)
for f in $ORACLE_TRACES; do
  name=$(trace_name "$f")
  src=$(unpacked "$f" "$tmp")
  for k in sync net syscall sched; do
    go tool trace -pprof=$k "$src" > "$tmp/$k.pb"
    go tool pprof -raw "$tmp/$k.pb" 2>/dev/null | python3 "$out/raw-to-json.py" | gzip -9n > "$out/$name.$k.json.gz"
  done
done
rm -r "$tmp"
