#!/usr/bin/env bash
# Reproduces BENCHMARKS.md. On the real data in ../shared/data (or NA_SHARED_DATA), in one run:
#   1. cached: the service against the ceiling, a bare axum handler serving the same bytes and
#      headers (examples/ceiling.rs), at concurrency 32;
#   2. uncached, one client: every analytics endpoint over HTTP against its floor, the simplest
#      DuckDB query returning the same rows in-process (examples/sql_floor.rs, which checks the rows
#      against the service's answer before timing and fails when they differ);
#   3. uncached at concurrency 32: the service against Datasette 0.65 over SQLite with indexes, on
#      four questions, after checking both answer with the same number of rows;
#   4. 32 concurrent identical misses cost one query.
# The two sides of each comparison alternate over BENCH_ROUNDS rounds (default 3) and each figure is
# the median of the rounds: single passes drift by up to 40 % on a shared 2-core VM.
# Raw outputs and summary.md land in bench/results/ (not committed). Needs wrk (installed from
# Debian when missing) and a Datasette virtualenv, created once under ~/.cache/netflix-analytics/.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
SHARED="${NA_SHARED_DATA:-$(pwd)/../shared/data}"
OUT="${BENCH_OUT:-bench/results}"
SCALE="${BENCH_SCALE:-1}"
ROUNDS="${BENCH_ROUNDS:-3}"
PORT="${BENCH_PORT:-18080}"
CEILING_PORT=$((PORT + 1))
DATASETTE_PORT=$((PORT + 2))
VENV="${BENCH_VENV:-$HOME/.cache/netflix-analytics/datasette-venv}"
TOKEN="bench-admin-token-0123456789"
CACHED_PATH="/v1/top10/global?week=latest&category=films-english"
# name | the service's request | the same question as a Datasette canned query
QUESTIONS=(
    "latest-top10|/v1/top10/global?week=latest|/top10/latest_global_top10.json"
    "country-top-titles|/v1/analytics/top-titles?region=US&limit=20|/top10/country_top_titles.json?country=US"
    "category-weeks|/v1/analytics/category-viewership?interval=week&limit=1000|/top10/category_week_totals.json"
    "jaccard|/v1/analytics/regional-similarity?limit=10000|/top10/jaccard.json"
)

[ -d "$SHARED/netflix-top10" ] || { echo "no real data at $SHARED (set NA_SHARED_DATA)" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package) for the load tests" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get install -y wrk; fi
fi
if [ ! -x "$VENV/bin/datasette" ]; then
    echo "creating $VENV with datasette 0.65 from PyPI" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q 'datasette>=0.65,<0.66'
fi

# Clones sharing a CARGO_TARGET_DIR build to the same file names, and cargo judges freshness by
# modification times, so it can take another clone's newer build for this one's: touching the
# sources makes it build them from here, and the copies below keep them.
touch src/lib.rs src/main.rs examples/*.rs
cargo build --release --locked --bin netflix-analytics --example bench_prepare --example sql_floor --example ceiling
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir "$WORK/bin"
cp "$CARGO_TARGET_DIR/release/netflix-analytics" "$WORK/bin/"
for example in bench_prepare sql_floor ceiling; do cp "$CARGO_TARGET_DIR/release/examples/$example" "$WORK/bin/"; done
BIN="$WORK/bin/netflix-analytics"
EXAMPLES="$WORK/bin"

mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.tsv "$OUT"/summary.md

# shellcheck source=bench/lib.sh
source bench/lib.sh
start_service() { # $1 cache bytes; sets SERVICE
    start "$WORK/service.log" env NA_LISTEN="127.0.0.1:$PORT" NA_WAREHOUSE="$WORK/bench.duckdb" \
        NA_CACHE_MAX_BYTES="$1" NA_SCHEDULE=off NA_ADMIN_TOKEN="$TOKEN" NA_LOG_FORMAT=json "$BIN" serve
    SERVICE=$STARTED
    wait_for "http://127.0.0.1:$PORT/readyz" "$WORK/service.log"
}
load() { # $1 output file, $2 connections, $3 seconds, $4 url
    local threads=2
    [ "$2" -eq 1 ] && threads=1
    wrk -t"$threads" -c"$2" -d"$3"s --timeout 30s --latency "$4" > "$1"
}
base="http://127.0.0.1:$PORT"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "kernel: $(uname -r)"
    echo "wrk: $(wrk --version 2>&1 | head -1)"
    echo "duckdb crate: $(grep -A1 'name = "duckdb"' Cargo.lock | tail -1)"
    echo "datasette: $("$VENV/bin/datasette" --version), SQLite $("$VENV/bin/python" -c 'import sqlite3; print(sqlite3.sqlite_version)')"
    echo "scale: $SCALE, rounds: $ROUNDS"
    # Other work on the machine skews every figure; this says how busy it was.
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

echo "== preparing the warehouse (scale $SCALE) and the SQLite copy" >&2
RUST_LOG=warn "$EXAMPLES/bench_prepare" --shared "$SHARED" --warehouse "$WORK/bench.duckdb" --scale "$SCALE" \
    --export "$WORK/export" > "$OUT/prepare.txt"
"$VENV/bin/python" bench/datasette_load.py "$WORK/export" "$WORK/top10.db" >> "$OUT/prepare.txt"
# The floor reads a copy: the service holds its file open.
cp "$WORK/bench.duckdb" "$WORK/floor.duckdb"
"$EXAMPLES/sql_floor" --warehouse "$WORK/floor.duckdb" --paths > "$WORK/paths.tsv"

echo "== cached: 32 concurrent identical misses, then the service against the ceiling" >&2
start_service 268435456
pids=()
for _ in $(seq 1 32); do
    curl -fsS -o /dev/null "$base/v1/analytics/regional-similarity?limit=100" &
    pids+=($!)
done
wait "${pids[@]}"
curl -fsS "$base/metrics" | grep '^netflix_analytics_cache_requests_total' > "$OUT/coalescing.txt"
curl -fsS -o /dev/null "$base$CACHED_PATH"
curl -fsS -D "$WORK/captured.headers" -o "$WORK/captured.body" "$base$CACHED_PATH"
grep -qi '^x-cache: hit' "$WORK/captured.headers" || { echo "the captured answer was not a cache hit" >&2; exit 1; }
start "$WORK/ceiling.log" "$EXAMPLES/ceiling" --listen "127.0.0.1:$CEILING_PORT" \
    --headers "$WORK/captured.headers" --body "$WORK/captured.body"
CEILING=$STARTED
wait_for "http://127.0.0.1:$CEILING_PORT$CACHED_PATH" "$WORK/ceiling.log"
curl -fsS "http://127.0.0.1:$CEILING_PORT$CACHED_PATH" | cmp -s - "$WORK/captured.body" ||
    { echo "the ceiling does not serve the captured body" >&2; exit 1; }
cp "$WORK/captured.headers" "$OUT/ceiling-headers.txt"
wc -c < "$WORK/captured.body" > "$OUT/ceiling-body-bytes.txt"
for round in $(seq 1 "$ROUNDS"); do
    echo "   round $round" >&2
    load "$OUT/cached-service-$round.txt" 32 10 "$base$CACHED_PATH"
    load "$OUT/cached-ceiling-$round.txt" 32 10 "http://127.0.0.1:$CEILING_PORT$CACHED_PATH"
done
stop "$CEILING"
stop "$SERVICE"

echo "== uncached, one client: the floor against the service" >&2
start_service 0
for round in $(seq 1 "$ROUNDS"); do
    echo "   round $round" >&2
    "$EXAMPLES/sql_floor" --warehouse "$WORK/floor.duckdb" --service "$base" --seconds 3 > "$OUT/floor-$round.tsv"
    while IFS=$'\t' read -r name path; do
        load "$OUT/uncached-$round-$name.txt" 1 4 "$base$path"
    done < "$WORK/paths.tsv"
done

echo "== uncached, 32 connections: Datasette against the service" >&2
start "$WORK/datasette.log" "$VENV/bin/datasette" serve --immutable "$WORK/top10.db" --metadata bench/datasette.json \
    -h 127.0.0.1 -p "$DATASETTE_PORT" --setting max_returned_rows 10000 --setting sql_time_limit_ms 60000
DATASETTE=$STARTED
datasette="http://127.0.0.1:$DATASETTE_PORT"
wait_for "$datasette/-/versions.json" "$WORK/datasette.log"
for entry in "${QUESTIONS[@]}"; do
    IFS='|' read -r name ours theirs <<< "$entry"
    rows_ours=$(curl -fsS "$base$ours" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
    rows_theirs=$(curl -fsS "$datasette$theirs" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))')
    [ "$rows_ours" = "$rows_theirs" ] || { echo "$name: the service answers $rows_ours rows, Datasette $rows_theirs" >&2; exit 1; }
    echo -e "$name\t$rows_ours" >> "$OUT/datasette-rows.tsv"
done
# Queries a load started keep running after wrk stops (Datasette queues them behind its SQL
# threads); a cheap query through the same queue returns once they are done.
drain() {
    curl -fsS -m 300 -o /dev/null "$base/v1/analytics/youtube/duration-histogram"
    curl -fsS -m 300 -o /dev/null "$datasette/top10.json?sql=select+1"
}
for round in $(seq 1 "$ROUNDS"); do
    echo "   round $round" >&2
    for entry in "${QUESTIONS[@]}"; do
        IFS='|' read -r name ours theirs <<< "$entry"
        load "$OUT/versus-service-$round-$name.txt" 32 10 "$base$ours"
        drain
        load "$OUT/versus-datasette-$round-$name.txt" 32 10 "$datasette$theirs"
        drain
    done
done
stop "$DATASETTE"
stop "$SERVICE"

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
python3 bench/summarize.py "$OUT" | tee "$OUT/summary.md"
echo "bench/compare.sh took $((SECONDS / 60)) min $((SECONDS % 60)) s" | tee -a "$OUT/summary.md" >&2
