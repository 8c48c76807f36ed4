#!/bin/sh
# Regenerates the MMU references for every trace fixture (run from the project root):
# builds td-trace-mmu-oracle with go on PATH (Go 1.27), runs it for every GC cost (stw, background,
# assist, sweep), the same per P, and the /mmu page's initial flags (no sweep), and writes NAME.N.json.gz (NAME = the trace's path with `/` → `_`). Old-format traces
# whose tied events Go orders by map iteration can give different outputs: every distinct one seen
# in 20 runs is kept (N = 0, 1, …); a test accepts any of them.
set -e
out=$(dirname "$0")
F=../shared/fixtures
T=shared/test-support/traces
bin=$(mktemp -d)/td-trace-mmu-oracle
sh "$out/build.sh" go "$bin"
for f in $F/scenarios/*/trace.out $F/third-party/golang-go-trace/*_good $T/*.trace.gz $out/gcheavy/*.trace.gz; do
  case "$f" in
    $F/*) name=$(echo "${f#$F/}" | tr '/' '_') ;;
    $out/gcheavy/*) name=gcheavy_$(basename "$f") ;;
    *) name=traces_$(basename "$f") ;;
  esac
  rm -f "$out/$name".*.json.gz
  tmp=$(mktemp -d)
  src=$f
  case "$f" in *.gz) gunzip -c "$f" > "$tmp/trace"; src=$tmp/trace ;; esac
  for i in $(seq 1 20); do
    "$bin" -series "$src" 'stw|background|assist|sweep' 'stw|background|assist|sweep|perProc' 'stw|background|assist' > "$tmp/$i.json"
  done
  k=0
  for h in $(md5sum "$tmp"/*.json | awk '{print $1}' | sort -u); do
    one=$(md5sum "$tmp"/*.json | awk -v h="$h" '$1 == h {print $2; exit}')
    gzip -9nc "$one" > "$out/$name.$k.json.gz"
    k=$((k + 1))
  done
  rm -r "$tmp"
done
rm -r "$(dirname "$bin")"
