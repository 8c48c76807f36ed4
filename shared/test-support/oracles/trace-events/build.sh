#!/bin/sh
# Builds td-trace-events-oracle against a Go toolchain's own internal/trace (a program inside
# GOROOT/src/cmd may import internal packages). Usage: build.sh [GO_BINARY] [OUTPUT]
# (default: go on PATH, ./td-trace-events-oracle). Needs Go >= 1.23 (Go 1.27 here).
set -eu
GO=${1:-go}; OUT=${2:-$PWD/td-trace-events-oracle}
GOROOT=$($GO env GOROOT); export GOROOT GOTOOLCHAIN=local
dir="$GOROOT/src/cmd/td-trace-ingest-oracle"
mkdir -p "$dir" && cp "$(dirname "$0")/main.go" "$dir/main.go"
(cd "$dir" && $GO build -o "$OUT" .)
echo "built $OUT ($($GO version))"
