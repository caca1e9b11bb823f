#!/usr/bin/env bash
# Load while ingesting ("Load while ingesting" in BENCHMARKS.md). On loopback only: the release
# binary serves the real Top 10 files from ../shared/data (read over file://, as bench/compare.sh
# does); then for SOAK_SECS seconds (default 60) wrk keeps SOAK_CONNECTIONS (default 64)
# connections busy with a mix of cached and uncached queries while bench/soak.py re-ingests the
# global file with one edited hours value every few seconds (so each run really writes and the
# data version moves) and checks that readers never see mixed answers. Fails on any non-2xx
# response, socket error, failed run or inconsistent answer. Prints p50/p99 latency and the
# service's peak RSS; raw outputs land in SOAK_OUT (default bench/results/soak). SOAK_SOURCE=all
# triggers `all` runs instead of `top10` ones.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
SHARED="${NA_SHARED_DATA:-$(pwd)/../shared/data}"
SECS="${SOAK_SECS:-60}"
CONNECTIONS="${SOAK_CONNECTIONS:-64}"
COLD_SHARE="${SOAK_COLD_SHARE:-0.2}"
SOURCE="${SOAK_SOURCE:-top10}"
OUT="${SOAK_OUT:-bench/results/soak}"
WORK="$(mktemp -d)"
mkdir -p "$OUT"

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package) for the soak" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get install -y wrk; fi
fi
[ -f "$SHARED/netflix-top10/all-weeks-global.tsv" ] || { echo "no real data at $SHARED (set NA_SHARED_DATA)" >&2; exit 1; }

if [ -z "${SERVICE_BIN:-}" ]; then
    cargo build --release --locked --bin netflix-analytics
    SERVICE_BIN="$CARGO_TARGET_DIR/release/netflix-analytics"
fi
# Other clones build into the same target directory; a private copy keeps this run on this
# clone's binary even if another one relinks it meanwhile.
cp "$SERVICE_BIN" "$WORK/netflix-analytics"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "kernel: $(uname -r)"
    echo "wrk: $(wrk --version 2>&1 | head -1)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "soak: ${SECS}s, $CONNECTIONS connections, cold share $COLD_SHARE"
} > "$OUT/machine.txt"

# The global file is edited during the soak: the service reads copies, never the shared data.
mkdir -p "$WORK/feeds"
cp "$SHARED"/netflix-top10/{all-weeks-global.tsv,all-weeks-countries.tsv,most-popular.tsv} "$WORK/feeds/"
chmod u+w "$WORK"/feeds/*

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export NA_ADMIN_TOKEN
NA_ADMIN_TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
NA_LISTEN="127.0.0.1:$PORT" NA_WAREHOUSE="$WORK/soak.duckdb" NA_SCHEDULE=off NA_LOG_FORMAT=json \
    NA_TOP10_BASE_URL="file://$WORK/feeds/" "$WORK/netflix-analytics" serve > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "$BASE/readyz" >/dev/null || { tail -50 "$OUT/server.log" >&2; echo "the service did not start" >&2; exit 1; }

echo "== loading the real Top 10 files" >&2
python3 bench/soak.py prepare --base "$BASE" --feeds "$WORK/feeds" --out "$OUT" | tee "$OUT/prepare.txt"
# Warm the hot paths once, so the soak starts from a cache like a running service's.
grep '^hot ' "$OUT/paths.txt" | cut -d' ' -f2- | while read -r path; do curl -fsS -o /dev/null "$BASE$path"; done
rss_before="$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")"

echo "== soak: ${SECS}s at $CONNECTIONS connections while re-ingesting" >&2
# The resident set each second, to see how memory moves with the refreshes; the peak comes from
# VmHWM (the kernel's high-water mark) after the soak, so no spike between polls is missed.
(
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        echo "$(date +%s) $(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null)"
        sleep 1
    done
) > "$OUT/rss.txt" &
rss_poller=$!
python3 bench/soak.py drive --base "$BASE" --feeds "$WORK/feeds" --out "$OUT" --secs "$SECS" --source "$SOURCE" > "$OUT/drive.txt" 2>&1 &
driver=$!
# --timeout above NA_REQUEST_TIMEOUT_SECS (30 s): every response is counted, none dropped as a timeout.
wrk -t2 -c"$CONNECTIONS" -d"${SECS}s" --timeout 35s --latency -s bench/soak.lua "$BASE" -- "$OUT/paths.txt" "$COLD_SHARE" \
    > "$OUT/wrk.txt" 2>&1 || { cat "$OUT/wrk.txt" >&2; exit 1; }
consistent=0
wait "$driver" || consistent=$?
peak_kb="$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")"
rss_after="$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")"
kill "$rss_poller" 2>/dev/null || true

cat "$OUT/drive.txt"
cat "$OUT/wrk.txt"
python3 - "$OUT" "$rss_before" "$peak_kb" "$rss_after" "$consistent" <<'PY' | tee "$OUT/summary.txt"
import json, re, sys

out, consistent = sys.argv[1], int(sys.argv[5])
rss_before, peak_kb, rss_after = (int(kb) / 1024 for kb in sys.argv[2:5])
wrk = open(f"{out}/wrk.txt").read()
check = json.load(open(f"{out}/consistency.json"))


def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


latency = {m.group(1): ms(m.group(2)) for m in re.finditer(r"^\s+(50|90|99)%\s+(\S+)", wrk, re.M)}
requests = int(re.search(r"(\d+) requests in", wrk).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk)
errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)
print(f"load: {requests} requests, {rps:.0f} req/s, errors {errors}")
print(f"latency: p50 {latency['50']:.2f} ms, p90 {latency['90']:.2f} ms, p99 {latency['99']:.2f} ms")
print(f"rss: {rss_before:.0f} MiB before the soak, peak {peak_kb:.0f} MiB (VmHWM), {rss_after:.0f} MiB after")
print(
    f"ingestion: {check['runs']} {check['source']} runs, median {check['run_ms_median']} ms, max {check['run_ms_max']} ms; "
    f"checker: {check['checker_requests']} reads, {check['versions_seen']} data versions, {check['checker_errors']} errors"
)
print(f"consistency: {'ok' if not check['failures'] else 'FAILED'}")
for failure in check["failures"]:
    print(f"  {failure}")
sys.exit(1 if errors or consistent or check["failures"] else 0)
PY
