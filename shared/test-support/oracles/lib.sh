# Steps shared by the oracle scripts (oracles/*/make.sh and build.sh source this file; POSIX sh).
# Paths are from the project root, where the make.sh scripts run.

F=../shared/fixtures
T=shared/test-support/traces
# Every trace the oracles cover (left unexpanded: `for f in $ORACLE_TRACES` globs it), the same list as
# oracleTraces() in shared/test-support/oracles.ts.
ORACLE_TRACES="$F/scenarios/*/trace.out $F/third-party/golang-go-trace/*_good $T/*.trace.gz"

# The name of a trace in the oracle outputs: its fixture path with / → _, or traces_FILE for ours.
trace_name() {
  case "$1" in
    $F/*) echo "${1#$F/}" | tr '/' '_' ;;
    *) echo "traces_$(basename "$1")" ;;
  esac
}

# The trace as a file Go's tools read: itself, or gunzipped into folder $2 when it ends in .gz.
unpacked() {
  case "$1" in
    *.gz) gunzip -c "$1" > "$2/trace"; echo "$2/trace" ;;
    *) echo "$1" ;;
  esac
}

# Go orders tied events of old-format traces by map iteration, so runs can differ: keeps every distinct
# output among $1/*.json as $2.0.EXT, $2.1.EXT, … (EXT $3: json, or json.gz to gzip them).
keep_distinct() {
  _n=0
  for _h in $(md5sum "$1"/*.json | awk '{print $1}' | sort -u); do
    _one=$(md5sum "$1"/*.json | awk -v h="$_h" '$1 == h {print $2; exit}')
    case "$3" in
      json.gz) gzip -9nc "$_one" > "$2.$_n.json.gz" ;;
      *) cp "$_one" "$2.$_n.json" ;;
    esac
    _n=$((_n + 1))
  done
}

# Builds MAIN_GO ($1) as a program in GOROOT/src/cmd/DIR ($2), where it may import Go's internal packages
# (internal/trace), into OUTPUT. $3: the default output name; $4 $5: build.sh's own [GO_BINARY] [OUTPUT].
build_in_goroot() {
  _go=${4:-go}
  _out=${5:-$PWD/$3}
  GOROOT=$($_go env GOROOT)
  export GOROOT GOTOOLCHAIN=local
  mkdir -p "$GOROOT/src/cmd/$2" && cp "$1" "$GOROOT/src/cmd/$2/main.go"
  (cd "$GOROOT/src/cmd/$2" && $_go build -o "$_out" .)
  echo "built $_out ($($_go version))"
}
