#!/bin/sh
# Builds td-timeline-oracle against a Go toolchain's own internal/trace (a program inside GOROOT/src/cmd
# may import internal packages). Usage: build.sh [GO_BINARY] [OUTPUT]   (default: go on PATH, ./td-timeline-oracle)
set -eu
here=$(dirname "$0")
. "$here/../lib.sh"
build_in_goroot "$here/main.go" td-trace-queries-oracle td-timeline-oracle "$@"
