#!/bin/sh
# Regenerates the MMU references for every trace fixture (run from the project root):
# builds td-trace-mmu-oracle with go on PATH (Go 1.27), runs it for every GC cost (stw, background,
# assist, sweep), the same per P, and the /mmu page's initial flags (no sweep), and writes NAME.N.json.gz (NAME = the trace's path with `/` → `_`). Old-format traces
# whose tied events Go orders by map iteration can give different outputs: every distinct one seen
# in 20 runs is kept (N = 0, 1, …); a test accepts any of them.
set -e
out=$(dirname "$0")
. "$out/../lib.sh"
bin=$(mktemp -d)/td-trace-mmu-oracle
sh "$out/build.sh" go "$bin"
for f in $ORACLE_TRACES $out/gcheavy/*.trace.gz; do
  case "$f" in
    $out/gcheavy/*) name=gcheavy_$(basename "$f") ;;
    *) name=$(trace_name "$f") ;;
  esac
  rm -f "$out/$name".*.json.gz
  tmp=$(mktemp -d)
  src=$(unpacked "$f" "$tmp")
  for i in $(seq 1 20); do
    "$bin" -series "$src" 'stw|background|assist|sweep' 'stw|background|assist|sweep|perProc' 'stw|background|assist' > "$tmp/$i.json"
  done
  keep_distinct "$tmp" "$out/$name" json.gz
  rm -r "$tmp"
done
rm -r "$(dirname "$bin")"
