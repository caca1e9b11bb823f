#!/usr/bin/env bash
# Peak memory of the service serving whole CSV answers to slow clients. Starts BINARY on a copy of
# WAREHOUSE (built from the real data by `bench_prepare`), asks each whole answer once so that the
# warehouse's own caches are warm, notes the peak resident set (VmHWM), then has CLIENTS clients
# download every whole answer at once, each at RATE bytes a second, and notes the peak again.
# A slow client is where a collected answer hurts: its rows stay in memory for the whole download.
#
# Usage: bench/stream_rss.sh BINARY WAREHOUSE [CLIENTS] [RATE]
# e.g.   cargo run --release --example bench_prepare -- --shared ../shared/data --warehouse /tmp/w.duckdb
#        bench/stream_rss.sh target/release/netflix-analytics /tmp/w.duckdb 8 200k
set -euo pipefail

BINARY="$1"
WAREHOUSE="$2"
CLIENTS="${3:-8}"
RATE="${4:-200k}"
PORT="${BENCH_PORT:-18090}"
# BENCH_PATHS (space-separated) replaces the whole answers downloaded.
read -r -a PATHS <<< "${BENCH_PATHS:-/v1/analytics/top-titles?limit=all&format=csv /v1/analytics/regional-similarity?limit=all&format=csv /v1/analytics/category-viewership?interval=week&limit=all&format=csv}"
base="http://127.0.0.1:$PORT"

WORK="$(mktemp -d)"
SERVICE=""
trap 'if [ -n "$SERVICE" ]; then kill "$SERVICE" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT
cp "$WAREHOUSE" "$WORK/w.duckdb"

# As many query slots as clients: each download can hold one for as long as it lasts.
NA_WAREHOUSE="$WORK/w.duckdb" NA_LISTEN="127.0.0.1:$PORT" NA_MAX_CONCURRENT_QUERIES=$((CLIENTS * ${#PATHS[@]})) \
    NA_MAX_IN_FLIGHT=1000 NA_ADMIN_TOKEN=bench-token-0123456789abcdef RUST_LOG=warn \
    "$BINARY" serve > "$WORK/service.log" 2>&1 &
SERVICE=$!
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
    sleep 0.2
done

hwm() { awk '/VmHWM/ {print $2}' "/proc/$SERVICE/status"; }

for path in "${PATHS[@]}"; do
    bytes=$(curl -fsS "$base$path" | wc -c)
    echo "answer: $path  $bytes bytes"
done
warm=$(hwm)
clients=()
for _ in $(seq 1 "$CLIENTS"); do
    for path in "${PATHS[@]}"; do
        curl -fsS --limit-rate "$RATE" -o /dev/null "$base$path" &
        clients+=($!)
    done
done
wait "${clients[@]}"
loaded=$(hwm)
echo "VmHWM warm: $warm kB; after $CLIENTS slow clients per answer at $RATE/s: $loaded kB; grew $((loaded - warm)) kB"
