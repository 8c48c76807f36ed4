#!/bin/sh
# Builds td-trace-events-oracle against a Go toolchain's own internal/trace (a program inside
# GOROOT/src/cmd may import internal packages). Usage: build.sh [GO_BINARY] [OUTPUT]
# (default: go on PATH, ./td-trace-events-oracle). Needs Go >= 1.23 (Go 1.27 here).
set -eu
here=$(dirname "$0")
. "$here/../lib.sh"
build_in_goroot "$here/main.go" td-trace-ingest-oracle td-trace-events-oracle "$@"
