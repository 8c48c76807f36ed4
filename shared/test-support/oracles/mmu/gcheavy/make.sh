#!/bin/sh
# Rebuilds the GC-heavy traces (run from the project root): main.go built and run with Go 1.26 and
# Go 1.27, keeping the first run (of at most 40) whose trace reports a mark assist already active at
# its start, as `go tool trace -d=parsed` prints it (so Go's MMU back-dates it); then refresh the
# references with ../make.sh.
set -e
here=shared/test-support/oracles/mmu/gcheavy
tmp=$(mktemp -d)
for v in 1.26 1.27; do
  GOROOT=/usr/lib/go-$v GOTOOLCHAIN=local /usr/lib/go-$v/bin/go build -trimpath -o "$tmp/gcheavy" "$here/main.go"
  for i in $(seq 1 40); do
    "$tmp/gcheavy" "$tmp/t.trace"
    GOROOT=/usr/lib/go-1.27 GOTOOLCHAIN=local /usr/lib/go-1.27/bin/go tool trace -d=parsed "$tmp/t.trace" > "$tmp/parsed" 2>/dev/null
    if grep -q 'RangeActive .*Name="GC mark assist"' "$tmp/parsed"; then break; fi
  done
  echo "go$v: run $i: $(grep -c 'RangeActive .*Name="GC mark assist"' "$tmp/parsed") assists active at the start"
  gzip -9nc "$tmp/t.trace" > "$here/gcheavy-go$v.trace.gz"
done
rm -r "$tmp"
