#!/bin/sh
# Regenerates the timeline references (run from the project root, after build.sh put
# td-timeline-oracle on PATH or in TD_TIMELINE_ORACLE): NAME.N.json.gz, NAME = the path with / → _.
# Go orders tied events of some old-format traces by map iteration: every distinct output of 10 runs
# is kept (N = 0, 1, …) and the test accepts any one of them.
set -e
out=$(dirname "$0")
. "$out/../lib.sh"
O=${TD_TIMELINE_ORACLE:-td-timeline-oracle}
for f in $F/scenarios/cpu-pool-go1.22/trace.out $F/scenarios/cpu-pool-go1.27/trace.out \
  $F/scenarios/lock-contention-go1.21/trace.out $F/scenarios/lock-contention-go1.27/trace.out \
  $F/scenarios/conn-leak-go1.19/trace.out $F/third-party/golang-go-trace/http_1_19_good; do
  name=$(trace_name "$f")
  rm -f "$out/$name".*.json.gz
  tmp=$(mktemp -d)
  for i in $(seq 1 10); do "$O" "$f" > "$tmp/$i.json"; done
  keep_distinct "$tmp" "$out/$name" json.gz
  rm -r "$tmp"
done
