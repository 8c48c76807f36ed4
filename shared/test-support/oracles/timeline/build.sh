#!/bin/sh
# Builds td-timeline-oracle against a Go toolchain's own internal/trace (a program inside GOROOT/src/cmd
# may import internal packages). Usage: build.sh [GO_BINARY] [OUTPUT]   (default: go on PATH, ./td-timeline-oracle)
set -eu
GO=${1:-go}; OUT=${2:-$PWD/td-timeline-oracle}
GOROOT=$($GO env GOROOT); export GOROOT GOTOOLCHAIN=local
dir="$GOROOT/src/cmd/td-trace-queries-oracle"
mkdir -p "$dir" && cp "$(dirname "$0")/main.go" "$dir/main.go"
(cd "$dir" && $GO build -o "$OUT" .)
echo "built $OUT ($($GO version))"
