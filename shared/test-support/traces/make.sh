#!/bin/sh
# Rebuilds the generated traces (run from the project root): each program in src/ built and run
# with Go 1.26 and Go 1.27, the trace gzipped here, and Go's blocking-profile totals beside it:
#   go tool trace -pprof=KIND TRACE > KIND.pb; go tool pprof -raw KIND.pb  (sum of the delay values)
# Then refresh the per-goroutine references: sh shared/test-support/oracles/go-trace-summary/make.sh
set -e
here=shared/test-support/traces
tmp=$(mktemp -d)
for v in 1.26 1.27; do
  go=/usr/lib/go-$v/bin/go
  for p in connleak mutex; do
    GOROOT=/usr/lib/go-$v GOTOOLCHAIN=local $go build -trimpath -o "$tmp/$p" "$here/src/$p/main.go"
    "$tmp/$p" "$tmp/$p.trace"
    gzip -9nc "$tmp/$p.trace" > "$here/$p-go$v.trace.gz"
    json="{\"command\": \"go1.27 tool trace -pprof=KIND; go tool pprof -raw: sum of delay\""
    for k in sync net syscall sched; do
      GOROOT=/usr/lib/go-1.27 GOTOOLCHAIN=local /usr/lib/go-1.27/bin/go tool trace -pprof=$k "$tmp/$p.trace" > "$tmp/$k.pb"
      total=$(GOROOT=/usr/lib/go-1.27 GOTOOLCHAIN=local /usr/lib/go-1.27/bin/go tool pprof -raw "$tmp/$k.pb" 2>/dev/null |
        awk '/^Samples:/ {s=1; next} /^Locations/ {s=0} s && /^ *[0-9]+ +[0-9]+:/ {sub(/:/, "", $2); t += $2} END {printf "%.0f", t}')
      json="$json, \"$k\": $total"
    done
    echo "$json}" > "$here/$p-go$v.blocking.json"
  done
done
rm -r "$tmp"
