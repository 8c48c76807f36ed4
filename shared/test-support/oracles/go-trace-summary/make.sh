#!/bin/sh
# Regenerates the go-trace-summary references for every trace fixture (run from the project root).
# Old-format traces whose event order Go decides by map iteration give a few different outputs:
# every distinct one seen in 40 runs is kept (NAME.N.json.gz); a test accepts any of them.
set -e
out=$(dirname "$0")
. "$out/../lib.sh"
for f in $ORACLE_TRACES; do
  name=$(trace_name "$f")
  rm -f "$out/$name".*.json.gz
  tmp=$(mktemp -d)
  src=$(unpacked "$f" "$tmp")
  for i in $(seq 1 40); do go-trace-summary "$src" > "$tmp/$i.json"; done
  keep_distinct "$tmp" "$out/$name" json.gz
  rm -r "$tmp"
done
