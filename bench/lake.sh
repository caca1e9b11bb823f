#!/usr/bin/env bash
# Readers on DuckLake against the file mode, on the real data in ../shared/data (BENCHMARKS.md):
#   1. publishing: how long the writer takes to put the real warehouse into a new lake;
#   2. cached, 32 connections: a reader against a file-mode service on a copy of the same warehouse;
#   3. uncached, one client: the same endpoints on both (NA_CACHE_MAX_BYTES=0);
#   4. propagation: a Top 10 refresh that changes one number, from the writer's commit to a reader
#      (NA_LAKE_POLL_SECS=5) answering the new data version.
# The lake is real: PostgreSQL from Debian in a temporary cluster and moto's S3 server, on loopback
# (scripts/lake-setup.sh installs them). The two sides alternate over BENCH_ROUNDS rounds (default
# 3); each figure is the median. Raw outputs and summary.md land in bench/results-lake/.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
SHARED="${NA_SHARED_DATA:-$(pwd)/../shared/data}"
OUT="${BENCH_OUT:-bench/results-lake}"
ROUNDS="${BENCH_ROUNDS:-3}"
PORT="${BENCH_PORT:-18180}"
POLL=5
TOKEN="bench-admin-token-0123456789"
CACHED_PATH="/v1/top10/global?week=latest&category=films-english"
UNCACHED=(
    "top10-global-latest|/v1/top10/global?week=latest"
    "top10-country|/v1/top10/countries/KR?week=latest"
    "top-titles|/v1/analytics/top-titles?limit=20"
    "category-weeks|/v1/analytics/category-viewership?interval=week&limit=1000"
    "regional-similarity|/v1/analytics/regional-similarity?limit=10000"
    "titles-search|/v1/titles?q=love&limit=20"
)

[ -d "$SHARED/netflix-top10" ] || { echo "no real data at $SHARED (set NA_SHARED_DATA)" >&2; exit 1; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
bash scripts/lake-setup.sh >&2
EXT_DIR="${NA_DUCKDB_EXTENSION_DIR:-$HOME/.cache/netflix-analytics/duckdb-extensions}"
MOTO="${NA_LAKE_VENV:-$HOME/.cache/netflix-analytics/lake-venv}/bin/moto_server"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

touch src/lib.rs src/main.rs examples/*.rs
cargo build --release --locked --bin netflix-analytics --example bench_prepare
WORK="$(mktemp -d)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
BIN="$WORK/netflix-analytics"
cp "$CARGO_TARGET_DIR/release/netflix-analytics" "$BIN"
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/summary.md

# shellcheck source=bench/lib.sh
source bench/lib.sh
now() { date +%s.%N; }
version_of() { curl -fsS "$1/readyz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data_version"])'; }

{
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "duckdb crate: $(grep -A1 'name = "duckdb"' Cargo.lock | tail -1)"
    echo "postgresql: $("$PG_BIN/postgres" --version), moto: $("$(dirname "$MOTO")/python" -c 'import moto; print(moto.__version__)')"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

echo "== PostgreSQL and the S3 server on loopback" >&2
PG_PORT=$((PORT + 10))
S3_PORT=$((PORT + 11))
mkdir "$WORK/pg" && chown postgres:postgres "$WORK/pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U postgres > /dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1" start > /dev/null
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 'CREATE DATABASE lake'
start "$WORK/moto.log" "$MOTO" -H 127.0.0.1 -p "$S3_PORT"
for _ in $(seq 1 100); do curl -fsS -X PUT -o /dev/null "http://127.0.0.1:$S3_PORT/bench-lake" 2>/dev/null && break; sleep 0.2; done

echo "== the real warehouse (bench_prepare), and a copy for the file-mode service" >&2
RUST_LOG=warn "$CARGO_TARGET_DIR/release/examples/bench_prepare" --shared "$SHARED" \
    --warehouse "$WORK/writer.duckdb" > "$OUT/prepare.txt"
cp "$WORK/writer.duckdb" "$WORK/file.duckdb"
mkdir "$WORK/top10"
cp "$SHARED"/netflix-top10/*.tsv "$WORK/top10/"

LAKE=(
    NA_WAREHOUSE="ducklake:postgres:dbname=lake host=127.0.0.1 port=$PG_PORT user=postgres"
    NA_LAKE_DATA_PATH="s3://bench-lake/warehouse/" NA_S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
    NA_S3_URL_STYLE=path NA_S3_ACCESS_KEY_ID=bench NA_S3_SECRET_ACCESS_KEY=bench-secret
    NA_DUCKDB_EXTENSION_DIR="$EXT_DIR" NA_LAKE_POLL_SECS="$POLL"
)
COMMON=(NA_SCHEDULE=off NA_ADMIN_TOKEN="$TOKEN" NA_LOG_FORMAT=json RUST_LOG=warn)
writer="http://127.0.0.1:$PORT"
file="http://127.0.0.1:$((PORT + 1))"
reader="http://127.0.0.1:$((PORT + 2))"

echo "== the writer publishes the real warehouse into the new lake" >&2
t0=$(now)
start "$WORK/writer.log" env "${COMMON[@]}" "${LAKE[@]}" NA_ROLE=writer NA_LISTEN="127.0.0.1:$PORT" \
    NA_LAKE_WORK_FILE="$WORK/writer.duckdb" NA_TOP10_BASE_URL="file://$WORK/top10/" "$BIN" serve
wait_for "$writer/readyz" "$WORK/writer.log"
echo "writer start with the first publish: $(python3 -c "print(round($(now) - $t0, 2))") s" > "$OUT/publish.txt"
curl -fsS "http://127.0.0.1:$S3_PORT/bench-lake?list-type=2" | grep -o '<Size>[0-9]*' | cut -d'>' -f2 |
    awk '{n++; s+=$1} END {printf "lake: %d objects, %.1f MB\n", n, s/1e6}' >> "$OUT/publish.txt"

start_pair() { # $1 cache bytes; sets FILE_PID READER_PID
    start "$WORK/file.log" env "${COMMON[@]}" NA_CACHE_MAX_BYTES="$1" NA_LISTEN="127.0.0.1:$((PORT + 1))" \
        NA_WAREHOUSE="$WORK/file.duckdb" "$BIN" serve
    FILE_PID=$STARTED
    t0=$(now)
    start "$WORK/reader.log" env "${COMMON[@]}" "${LAKE[@]}" NA_CACHE_MAX_BYTES="$1" NA_ROLE=reader \
        NA_LISTEN="127.0.0.1:$((PORT + 2))" "$BIN" serve
    READER_PID=$STARTED
    wait_for "$reader/readyz" "$WORK/reader.log"
    echo "reader start: $(python3 -c "print(round($(now) - $t0, 2))") s" >> "$OUT/publish.txt"
    wait_for "$file/readyz" "$WORK/file.log"
}
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
avg_ms() { awk '/^    Latency/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else {sub(/s/,"",v); v*=1000}; print v}' "$1"; }

echo "== cached, 32 connections: file mode against a reader" >&2
start_pair 268435456
for side in file reader; do
    base=${!side}
    curl -fsS -o /dev/null "$base$CACHED_PATH"
    cmp <(curl -fsS "$file$CACHED_PATH") <(curl -fsS "$base$CACHED_PATH") ||
        { echo "the reader does not answer the file mode's bytes" >&2; exit 1; }
done
for round in $(seq 1 "$ROUNDS"); do
    for side in file reader; do
        base=${!side}
        wrk -t2 -c32 -d10s --latency "$base$CACHED_PATH" > "$OUT/cached-$round-$side.txt"
    done
done
stop "$FILE_PID"
stop "$READER_PID"

echo "== uncached, one client: file mode against a reader" >&2
start_pair 0
for round in $(seq 1 "$ROUNDS"); do
    for entry in "${UNCACHED[@]}"; do
        IFS='|' read -r name path <<< "$entry"
        for side in file reader; do
            base=${!side}
            wrk -t1 -c1 -d4s --latency "$base$path" > "$OUT/uncached-$round-$name-$side.txt"
        done
    done
done

echo "== propagation: a Top 10 refresh on the writer, seen by the reader (NA_LAKE_POLL_SECS=$POLL)" >&2
before=$(version_of "$reader")
# One number changed in the real most-popular file: a real refresh with a real change.
python3 - "$WORK/top10/most-popular.tsv" <<'EOF'
import sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().split("\n")
cells = lines[1].split("\t")
for i in range(len(cells) - 1, -1, -1):
    if cells[i].isdigit():
        cells[i] = str(int(cells[i]) + 1)
        break
lines[1] = "\t".join(cells)
open(path, "w", encoding="utf-8").write("\n".join(lines))
EOF
curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -o /dev/null "$writer/v1/ingest/top10"
while [ "$(version_of "$writer")" = "$before" ]; do sleep 0.02; done
committed=$(now)
while [ "$(version_of "$reader")" = "$before" ]; do
    sleep 0.02
    python3 -c "import sys; sys.exit($(now) - $committed > 120)" || { echo "the reader never moved" >&2; exit 1; }
done
seen=$(now)
echo "propagation, writer commit to reader: $(python3 -c "print(round($seen - $committed, 2))") s (poll $POLL s)" >> "$OUT/publish.txt"
stop "$FILE_PID"
stop "$READER_PID"

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
{
    echo "# DuckLake reader against the file mode ($ROUNDS rounds, medians)"
    echo
    cat "$OUT/machine.txt"
    echo
    cat "$OUT/publish.txt"
    echo
    f=$(for r in $(seq 1 "$ROUNDS"); do rps "$OUT/cached-$r-file.txt"; done | median)
    l=$(for r in $(seq 1 "$ROUNDS"); do rps "$OUT/cached-$r-reader.txt"; done | median)
    echo "cached, c=32: file $f req/s, reader $l req/s, reader/file $(python3 -c "print(round($l / $f, 2))")"
    echo
    echo "| uncached, c=1 | file mean ms | reader mean ms | reader/file |"
    echo "|---|---|---|---|"
    for entry in "${UNCACHED[@]}"; do
        IFS='|' read -r name _ <<< "$entry"
        f=$(for r in $(seq 1 "$ROUNDS"); do avg_ms "$OUT/uncached-$r-$name-file.txt"; done | median)
        l=$(for r in $(seq 1 "$ROUNDS"); do avg_ms "$OUT/uncached-$r-$name-reader.txt"; done | median)
        echo "| $name | $f | $l | $(python3 -c "print(round($l / $f, 1))") |"
    done
} | tee "$OUT/summary.md"
echo "bench/lake.sh took $((SECONDS / 60)) min $((SECONDS % 60)) s" | tee -a "$OUT/summary.md" >&2
