#!/usr/bin/env bash
# Checks that Superset's way in works: shillelagh (the SQLAlchemy dialect Superset uses for HTTP
# sources), installed from PyPI into a private virtualenv, reads EVERY query endpoint whole through
# both of its stock adapters, generic JSON and CSV, with the rows checked against the service's own
# JSON answer; then a filter, an aggregate, a join of two endpoints and a whole-answer count in SQL
# (scripts/shillelagh_check.py says what "intact" means for each adapter).
#
# Usage: scripts/superset-check.sh              the release binary on the demo data (what CI runs)
#        scripts/superset-check.sh BASE_URL     a service already running there
# SERVICE_BIN=path uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
SHILLELAGH_VERSION="1.4.5"
# Outside the clone so that every clone on this machine (and every CI run) shares one install.
VENV="$HOME/.cache/netflix-analytics/shillelagh-$SHILLELAGH_VERSION"
CHECK="$(pwd)/scripts/shillelagh_check.py"
WORK="$(mktemp -d)"

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill -TERM "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# A venv is not relocatable, so it is built in place; the marker is written last, and a venv
# without it (an interrupted install) is rebuilt rather than trusted.
if [ ! -f "$VENV/.installed" ]; then
    echo "== installing shillelagh $SHILLELAGH_VERSION into $VENV" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "shillelagh[genericjsonapi]==$SHILLELAGH_VERSION"
    touch "$VENV/.installed"
fi

if [ $# -ge 1 ]; then
    BASE="$1"
else
    if [ -z "${SERVICE_BIN:-}" ]; then
        cargo build --release --locked --bin netflix-analytics
        SERVICE_BIN="$CARGO_TARGET_DIR/release/netflix-analytics"
    fi
    # Other clones build into the same target directory; a private copy keeps this run on this
    # clone's binary even if another one relinks it meanwhile.
    cp "$SERVICE_BIN" "$WORK/netflix-analytics"
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    BASE="http://127.0.0.1:$PORT"
    TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
    NA_LISTEN="127.0.0.1:$PORT" NA_WAREHOUSE="$WORK/demo.duckdb" NA_ADMIN_TOKEN="$TOKEN" NA_SCHEDULE=off \
        "$WORK/netflix-analytics" serve --demo > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    # Ready means the warehouse is open; the demo's `all` run is queued at start and must have
    # finished too, or the check would read a half-loaded warehouse.
    demo_loaded() {
        local runs
        runs="$(curl -fsS "$BASE/v1/ingest/runs?limit=100" 2>/dev/null)" || return 1
        python3 -c '
import json, sys
runs = json.load(sys.stdin)["data"]
failed = [r["id"] for r in runs if r["status"] == "failed"]
if failed:
    sys.exit(f"demo runs failed: {failed}")
sys.exit(0 if runs and all(r["status"] == "succeeded" for r in runs) else 1)' <<< "$runs"
    }
    for _ in $(seq 1 600); do
        if demo_loaded; then break; fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            cat "$WORK/server.log" >&2
            echo "the service exited during start-up" >&2
            exit 1
        fi
        sleep 0.2
    done
    demo_loaded || { cat "$WORK/server.log" >&2; echo "the demo data did not load" >&2; exit 1; }
    echo "== serving the demo data at $BASE" >&2
fi

# shillelagh's adapters keep an HTTP cache (SQLite files) in the working directory.
cd "$WORK"
"$VENV/bin/python" "$CHECK" "$BASE"
