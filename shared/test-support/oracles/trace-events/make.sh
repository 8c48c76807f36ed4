#!/bin/sh
# Regenerates the trace-events digests for every trace fixture (run from the project root):
#   sh shared/test-support/oracles/trace-events/make.sh
# Go orders tied events of some old-format traces by map iteration, so their digest can vary run to
# run: every distinct one seen in 20 runs is kept (NAME.N.json); a test accepts any of them. New-format
# traces (go 1.22+) are ordered deterministically: 2 runs check that.
set -e
out=$(dirname "$0")
bin=$(mktemp -d)/td-trace-events-oracle
sh "$out/build.sh" go "$bin"
F=../shared/fixtures
T=shared/test-support/traces
for f in $F/scenarios/*/trace.out $F/third-party/golang-go-trace/*_good $T/*.trace.gz; do
  case "$f" in
    $F/*) name=$(echo "${f#$F/}" | tr '/' '_') ;;
    *) name=traces_$(basename "$f") ;;
  esac
  rm -f "$out/$name".*.json
  tmp=$(mktemp -d)
  src=$f
  case "$f" in *.gz) gunzip -c "$f" > "$tmp/trace"; src=$tmp/trace ;; esac
  runs=20
  case "$(head -c 16 "$src" | tr -d '\000')" in "go 1.1"*|"go 1.20"*|"go 1.21"*) ;; *) runs=2 ;; esac
  for i in $(seq 1 $runs); do "$bin" "$src" > "$tmp/$i.json"; done
  k=0
  for h in $(md5sum "$tmp"/*.json | awk '{print $1}' | sort -u); do
    one=$(md5sum "$tmp"/*.json | awk -v h="$h" '$1 == h {print $2; exit}')
    cp "$one" "$out/$name.$k.json"
    k=$((k + 1))
  done
  rm -r "$tmp"
done
rm -r "$(dirname "$bin")"
