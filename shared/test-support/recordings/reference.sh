#!/bin/sh
# Writes DIR/reference.json: the figures Go's own tools and plain counting give for a recording —
#   pprof files: `go tool pprof -top -nodefraction=0 -sample_index=T -unit=U FILE` total (delay in ns,
#   cpu in ns, goroutine count); dumps: `goroutine N [` blocks; ss capture: `### ss-snapshot` headers.
#   usage: reference.sh DIR
set -eu
DIR=$1
GO=${GO:-/usr/lib/go-1.27/bin/go}
total() { GOTOOLCHAIN=local "$GO" tool pprof -top -nodecount=1 -nodefraction=0 -sample_index="$2" -unit="$3" "$1" 2>/dev/null | sed -n 's/.* of \([0-9.e+]*\)[a-z]* total.*/\1/p' | head -1; }
{
  echo '{'
  echo "  \"block.pb.gz\": {\"delayNs\": $(total "$DIR/block.pb.gz" delay ns)},"
  echo "  \"mutex.pb.gz\": {\"delayNs\": $(total "$DIR/mutex.pb.gz" delay ns)},"
  echo "  \"cpu.pb.gz\": {\"cpuNs\": $(total "$DIR/cpu.pb.gz" cpu ns)},"
  echo "  \"goroutine-start.pb.gz\": {\"goroutines\": $(total "$DIR/goroutine-start.pb.gz" goroutine count)},"
  echo "  \"goroutine-end.pb.gz\": {\"goroutines\": $(total "$DIR/goroutine-end.pb.gz" goroutine count)},"
  echo "  \"goroutines-start.txt.gz\": {\"goroutines\": $(zcat "$DIR/goroutines-start.txt.gz" | grep -c '^goroutine [0-9]* \[')},"
  echo "  \"goroutines-end.txt.gz\": {\"goroutines\": $(zcat "$DIR/goroutines-end.txt.gz" | grep -c '^goroutine [0-9]* \[')},"
  echo "  \"ss-capture.txt.gz\": {\"snapshots\": $(zcat "$DIR/ss-capture.txt.gz" | grep -c '^### ss-snapshot ')}"
  echo '}'
} > "$DIR/reference.json"
cat "$DIR/reference.json"
