#!/usr/bin/env bash
# The dashboard page in a real browser: installs Debian's chromium if it is missing, serves the demo
# data with the release binary, loads `/` in headless Chromium, saves a screenshot (its path is
# printed) and asserts from the page's DOM that every chart rendered with data: the page marks each
# chart's <figure> with data-state (ok, empty or error) and data-marks (data marks drawn).
#
# Usage: scripts/browser-check.sh   (SERVICE_BIN=path uses that binary instead of building one)
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
# The charts the page composes; a chart missing from the DOM fails the check like a broken one.
EXPECTED_CHARTS=8
WORK="$(mktemp -d)"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/browser-check.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v chromium > /dev/null; then
    echo "== installing Debian's chromium" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi

if [ -z "${SERVICE_BIN:-}" ]; then
    cargo build --release --locked --bin netflix-analytics
    SERVICE_BIN="$CARGO_TARGET_DIR/release/netflix-analytics"
fi
cp "$SERVICE_BIN" "$WORK/netflix-analytics"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
NA_LISTEN="127.0.0.1:$PORT" NA_WAREHOUSE="$WORK/demo.duckdb" NA_SCHEDULE=off \
    NA_ADMIN_TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(24))')" \
    "$WORK/netflix-analytics" serve --demo > "$WORK/server.log" 2>&1 &
SERVER_PID=$!

# The demo's refreshes are queued at start; the page must see them finished.
demo_loaded() {
    curl -fsS "$BASE/v1/ingest/runs?limit=100" 2> /dev/null | python3 -c '
import json, sys
runs = json.load(sys.stdin)["data"]
sys.exit(0 if runs and all(r["status"] == "succeeded" for r in runs) else 1)' 2> /dev/null
}
for _ in $(seq 1 600); do
    if demo_loaded; then break; fi
    kill -0 "$SERVER_PID" 2> /dev/null || { cat "$WORK/server.log" >&2; echo "the service exited" >&2; exit 1; }
    sleep 0.2
done
demo_loaded || { cat "$WORK/server.log" >&2; echo "the demo data did not load" >&2; exit 1; }

# Root has no sandbox to run Chromium in. The virtual time budget lets the page's fetches finish
# before the DOM is dumped.
browser() {
    chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
        --user-data-dir="$WORK/profile" --window-size=1300,2600 --virtual-time-budget=30000 "$@" 2> "$WORK/chromium.log"
}
browser --dump-dom "$BASE/" > "$OUT/dom.html"
browser --screenshot="$OUT/dashboard.png" "$BASE/" > /dev/null
echo "screenshot: $OUT/dashboard.png"

python3 - "$OUT/dom.html" "$EXPECTED_CHARTS" <<'PY'
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.body = {}
        self.figures = []
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = attrs
        elif tag == "figure" and "data-chart" in attrs:
            self.figures.append(attrs)
        elif tag == "svg" and attrs.get("class") == "na-chart":
            self.svgs += 1


page = Page()
page.feed(open(sys.argv[1], encoding="utf-8").read())
expected = int(sys.argv[2])
problems = []
if page.body.get("data-state") != "done":
    problems.append(f"the page did not finish loading: body data-state={page.body.get('data-state')!r}")
if "data-pickers" in page.body:
    problems.append(f"pickers: {page.body['data-pickers']}")
if len(page.figures) != expected:
    problems.append(f"{len(page.figures)} charts on the page, expected {expected}")
for figure in page.figures:
    state, marks = figure.get("data-state"), int(figure.get("data-marks") or 0)
    print(f"{figure['data-chart']}: {state}, {marks} marks")
    if state != "ok" or marks == 0:
        problems.append(f"{figure['data-chart']}: {state} with {marks} marks")
if page.svgs != len(page.figures):
    problems.append(f"{page.svgs} SVG charts in the DOM for {len(page.figures)} figures")
if problems:
    sys.exit("browser check failed:\n" + "\n".join(problems))
print(f"{len(page.figures)} charts rendered with data")
PY
