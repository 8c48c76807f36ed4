#!/bin/sh
# Builds td-trace-mmu-oracle against a Go toolchain's own internal/trace (a program inside GOROOT/src/cmd
# may import internal packages). Usage: build.sh [GO_BINARY] [OUTPUT]  (default: go on PATH, ./td-trace-mmu-oracle)
set -eu
GO=${1:-go}; OUT=${2:-$PWD/td-trace-mmu-oracle}
GOROOT=$($GO env GOROOT); export GOROOT GOTOOLCHAIN=local
dir="$GOROOT/src/cmd/td-trace-mmu-oracle"
mkdir -p "$dir" && cp "$(dirname "$0")/main.go" "$dir/main.go"
(cd "$dir" && $GO build -o "$OUT" .)
echo "built $OUT ($($GO version))"
