#!/usr/bin/env bash
# Where a cached answer's time goes: the release service under callgrind (this VM exposes no
# hardware counters to perf), instrumentation switched on only after the answer is cached, then a
# bounded load of cache hits on the request bench/compare.sh measures against the ceiling.
# Prints instructions per request by function (inclusive and self) and keeps the raw profile in
# bench/results/callgrind.out. About 3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
SHARED="${NA_SHARED_DATA:-$(pwd)/../shared/data}"
OUT="${BENCH_OUT:-bench/results}"
PORT="${BENCH_PORT:-18080}"
SECONDS_LOADED="${PROFILE_SECS:-30}"
CACHED_PATH="/v1/top10/global?week=latest&category=films-english"
base="http://127.0.0.1:$PORT"

command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked --bin netflix-analytics --example bench_prepare
mkdir -p "$OUT"
WORK="$(mktemp -d)"
SERVICE=""
trap 'if [ -n "$SERVICE" ]; then kill "$SERVICE" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
# Copied at once: another clone sharing CARGO_TARGET_DIR may overwrite these paths with its build.
cp "$CARGO_TARGET_DIR/release/netflix-analytics" "$CARGO_TARGET_DIR/release/examples/bench_prepare" "$WORK/"

RUST_LOG=warn "$WORK/bench_prepare" --shared "$SHARED" --warehouse "$WORK/bench.duckdb" >/dev/null
NA_LISTEN="127.0.0.1:$PORT" NA_WAREHOUSE="$WORK/bench.duckdb" NA_CACHE_MAX_BYTES=268435456 NA_SCHEDULE=off \
    NA_ADMIN_TOKEN=bench-admin-token-0123456789 NA_LOG_FORMAT=json \
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/callgrind.out" \
    "$WORK/netflix-analytics" serve > "$WORK/service.log" 2>&1 &
SERVICE=$!
for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break
    sleep 0.5
done
curl -fsS -o /dev/null "$base$CACHED_PATH"
curl -fsS -o /dev/null "$base$CACHED_PATH"
count() {
    curl -fsS "$base/metrics" | awk '/^netflix_analytics_cache_requests_total\{result="hit"\}/ {print $2}'
}
before=$(count)
callgrind_control -i on "$SERVICE" >/dev/null
wrk -t2 -c32 -d"${SECONDS_LOADED}s" "$base$CACHED_PATH" > "$OUT/profile-wrk.txt"
callgrind_control -i off "$SERVICE" >/dev/null
requests=$(( $(count) - before ))
kill -TERM "$SERVICE"
wait "$SERVICE" || true
SERVICE=""

echo "cache hits profiled: $requests"
total=$(callgrind_annotate "$OUT/callgrind.out" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "instructions per request: $((total / requests))"
echo
echo "inclusive, per request (the frames a hit passes through):"
callgrind_annotate --inclusive=yes --threshold=100 "$OUT/callgrind.out" |
    awk -v n="$requests" '/^ *[0-9,]+ .*\(/ { c = $1; gsub(",", "", c); $1 = ""; $2 = ($2 ~ /^\(/) ? "" : $2; printf "%10d  %s\n", c / n, substr($0, 1, 160) }' |
    head -70
echo
echo "self, per request:"
callgrind_annotate --threshold=100 "$OUT/callgrind.out" |
    awk -v n="$requests" '/^ *[0-9,]+ .*\(/ { c = $1; gsub(",", "", c); $1 = ""; $2 = ($2 ~ /^\(/) ? "" : $2; printf "%10d  %s\n", c / n, substr($0, 1, 160) }' |
    head -40
