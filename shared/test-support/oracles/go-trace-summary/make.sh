#!/bin/sh
# Regenerates the go-trace-summary references for every trace fixture (run from the project root).
# Old-format traces whose event order Go decides by map iteration give a few different outputs:
# every distinct one seen in 40 runs is kept (NAME.N.json.gz); a test accepts any of them.
set -e
out=$(dirname "$0")
F=../shared/fixtures
T=shared/test-support/traces
for f in $F/scenarios/*/trace.out $F/third-party/golang-go-trace/*_good $T/*.trace.gz; do
  case "$f" in
    $F/*) name=$(echo "${f#$F/}" | tr '/' '_') ;;
    *) name=traces_$(basename "$f") ;;
  esac
  rm -f "$out/$name".*.json.gz
  tmp=$(mktemp -d)
  src=$f
  case "$f" in *.gz) gunzip -c "$f" > "$tmp/trace"; src=$tmp/trace ;; esac
  for i in $(seq 1 40); do go-trace-summary "$src" > "$tmp/$i.json"; done
  k=0
  for h in $(md5sum "$tmp"/*.json | awk '{print $1}' | sort -u); do
    src=$(md5sum "$tmp"/*.json | awk -v h="$h" '$1 == h {print $2; exit}')
    gzip -9nc "$src" > "$out/$name.$k.json.gz"
    k=$((k + 1))
  done
  rm -r "$tmp"
done
