#!/usr/bin/env bash
# Where a cached answer's time goes. This VM exposes no hardware counters to perf, so this counts
# instructions with callgrind instead: first the release service, instrumented only once the answer
# is cached, under a bounded load of cache hits on the request bench/compare.sh measures; then the
# ceiling (examples/ceiling.rs) serving the same captured bytes under the same load. Prints
# instructions per request for both, and the service's per request by function (inclusive, then
# self). Raw profiles land in bench/results/callgrind-{service,ceiling}.out. About 3 minutes.
# User-space instructions only: the socket system calls, the same for both, are not counted.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
SHARED="${NA_SHARED_DATA:-$(pwd)/../shared/data}"
OUT="${BENCH_OUT:-bench/results}"
PORT="${BENCH_PORT:-18080}"
SECONDS_LOADED="${PROFILE_SECS:-20}"
CACHED_PATH="/v1/top10/global?week=latest&category=films-english"
base="http://127.0.0.1:$PORT"

command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
# Clones sharing a CARGO_TARGET_DIR build to the same file names, and cargo judges freshness by
# modification times, so it can take another clone's newer build for this one's: touching the
# sources makes it build them from here, and the copies below keep them.
touch src/lib.rs src/main.rs examples/*.rs
cargo build --release --locked --bin netflix-analytics --example bench_prepare --example ceiling
mkdir -p "$OUT"
WORK="$(mktemp -d)"
TARGET=""
trap 'if [ -n "$TARGET" ]; then kill "$TARGET" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
cp "$CARGO_TARGET_DIR/release/netflix-analytics" "$CARGO_TARGET_DIR/release/examples/bench_prepare" \
    "$CARGO_TARGET_DIR/release/examples/ceiling" "$WORK/"
RUST_LOG=warn "$WORK/bench_prepare" --shared "$SHARED" --warehouse "$WORK/bench.duckdb" >/dev/null

# $1 name, then the command to run under callgrind; sets REQUESTS. The answer is requested twice
# before instrumenting, so the service has it cached.
profile() {
    local name="$1"
    shift
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/callgrind-$name.out" "$@" \
        > "$WORK/$name.log" 2>&1 &
    TARGET=$!
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "$base$CACHED_PATH" 2>/dev/null && break
        sleep 0.5
    done
    curl -fsS -o /dev/null "$base$CACHED_PATH"
    callgrind_control -i on "$TARGET" >/dev/null
    wrk -t2 -c32 -d"${SECONDS_LOADED}s" "$base$CACHED_PATH" > "$OUT/profile-wrk-$name.txt"
    callgrind_control -i off "$TARGET" >/dev/null
    if [ "$name" = service ]; then
        curl -fsS -D "$WORK/captured.headers" -o "$WORK/captured.body" "$base$CACHED_PATH"
    fi
    kill -TERM "$TARGET"
    wait "$TARGET" || true
    TARGET=""
    REQUESTS=$(awk '/requests in/ {print $1}' "$OUT/profile-wrk-$name.txt")
}

total() {
    callgrind_annotate "$1" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}

# Per request, a function per line: instructions, then the function's name.
per_request() { # $1 requests
    awk -v n="$1" '/^ *[0-9,]+ +\([ 0-9.]+%\) / {
        c = $1; gsub(",", "", c)
        line = $0; sub(/^ *[0-9,]+ +\([ 0-9.]+%\) +/, "", line); sub(/ \[[^]]*\]$/, "", line)
        printf "%8d  %s\n", c / n, substr(line, 1, 150)
    }'
}

NA_LISTEN="127.0.0.1:$PORT" NA_WAREHOUSE="$WORK/bench.duckdb" NA_CACHE_MAX_BYTES=268435456 NA_SCHEDULE=off \
    NA_ADMIN_TOKEN=bench-admin-token-0123456789 NA_LOG_FORMAT=json \
    profile service "$WORK/netflix-analytics" serve
service_requests=$REQUESTS
profile ceiling "$WORK/ceiling" --listen "127.0.0.1:$PORT" --headers "$WORK/captured.headers" --body "$WORK/captured.body"
ceiling_requests=$REQUESTS

service_total=$(total "$OUT/callgrind-service.out")
ceiling_total=$(total "$OUT/callgrind-ceiling.out")
echo "service: $service_requests cache hits, $((service_total / service_requests)) instructions per request"
echo "ceiling: $ceiling_requests requests, $((ceiling_total / ceiling_requests)) instructions per request"
echo
echo "service, inclusive, per request:"
callgrind_annotate --inclusive=yes --threshold=99 "$OUT/callgrind-service.out" | per_request "$service_requests" | head -80
echo
echo "service, self, per request:"
callgrind_annotate --threshold=95 "$OUT/callgrind-service.out" | per_request "$service_requests" | head -40
echo
echo "ceiling, self, per request:"
callgrind_annotate --threshold=95 "$OUT/callgrind-ceiling.out" | per_request "$ceiling_requests" | head -25
