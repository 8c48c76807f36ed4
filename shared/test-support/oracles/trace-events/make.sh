#!/bin/sh
# Regenerates the trace-events digests for every trace fixture (run from the project root):
#   sh shared/test-support/oracles/trace-events/make.sh
# Go orders tied events of some old-format traces by map iteration, so their digest can vary run to
# run: every distinct one seen in 20 runs is kept (NAME.N.json); a test accepts any of them. New-format
# traces (go 1.22+) are ordered deterministically: 2 runs check that.
set -e
out=$(dirname "$0")
. "$out/../lib.sh"
bin=$(mktemp -d)/td-trace-events-oracle
sh "$out/build.sh" go "$bin"
for f in $ORACLE_TRACES; do
  name=$(trace_name "$f")
  rm -f "$out/$name".*.json
  tmp=$(mktemp -d)
  src=$(unpacked "$f" "$tmp")
  runs=20
  case "$(head -c 16 "$src" | tr -d '\000')" in "go 1.1"*|"go 1.20"*|"go 1.21"*) ;; *) runs=2 ;; esac
  for i in $(seq 1 $runs); do "$bin" "$src" > "$tmp/$i.json"; done
  keep_distinct "$tmp" "$out/$name" json
  rm -r "$tmp"
done
rm -r "$(dirname "$bin")"
