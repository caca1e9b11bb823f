#!/usr/bin/env bash
# Checks the Superset bundle (superset/bundle/) against a real Superset: installs apache-superset
# from PyPI into a private virtualenv (cached outside the clone), with a SQLite metadata database
# and no Docker; serves the demo data with the release binary; imports the bundle; then fetches
# every chart's data through Superset's REST API and checks its row count against the service.
# Too slow for .ci/run (see the README for timings); run it by hand after changing the bundle.
#
# Usage: scripts/superset-dashboard-check.sh   (SERVICE_BIN=path uses that binary instead of
# building one; SUPERSET_BUNDLE_LIMIT=N asks for limit=N instead of limit=all)
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
SUPERSET_VERSION="6.1.0"
VENV="$HOME/.cache/netflix-analytics/superset-$SUPERSET_VERSION"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Superset 6.1.0 from PyPI does not start without rich and cachetools, nor with flask-caching 2.4;
# shillelagh is the SQLAlchemy dialect its database uses. The marker is written last: an
# interrupted install is redone, not trusted.
if [ ! -f "$VENV/.installed" ]; then
    echo "== installing apache-superset $SUPERSET_VERSION into $VENV" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "apache-superset==$SUPERSET_VERSION" \
        rich cachetools 'flask-caching<2.4' 'shillelagh[genericjsonapi]>=1.4,<2'
    touch "$VENV/.installed"
fi

if [ -z "${SERVICE_BIN:-}" ]; then
    cargo build --release --locked --bin netflix-analytics
    SERVICE_BIN="$CARGO_TARGET_DIR/release/netflix-analytics"
fi
cp "$SERVICE_BIN" "$WORK/netflix-analytics"
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
NA_LISTEN="127.0.0.1:$PORT" NA_WAREHOUSE="$WORK/demo.duckdb" NA_SCHEDULE=off \
    NA_ADMIN_TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(24))')" \
    "$WORK/netflix-analytics" serve --demo > "$WORK/service.log" 2>&1 &
PIDS+=($!)

ROOT="$(pwd)"
# Superset, and shillelagh's HTTP cache (a SQLite file in the working directory), run in $WORK.
cd "$WORK"
export SUPERSET_CONFIG_PATH="$ROOT/superset/superset_config.py"
export SUPERSET_HOME="$WORK/superset-home"
export SUPERSET_METADATA_URI="sqlite:///$WORK/superset.db"
export SUPERSET_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export SUPERSET_CSRF=false
export FLASK_APP=superset
ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
superset() { "$VENV/bin/superset" "$@" > "$WORK/superset-cli.log" 2>&1 || { cat "$WORK/superset-cli.log" >&2; return 1; }; }
echo "== superset: metadata database, admin, roles" >&2
superset db upgrade
superset fab create-admin --username admin --firstname Ad --lastname Min --email admin@localhost \
    --password "$ADMIN_PASSWORD"
superset init

# Datasets read the whole answer with limit=all; SUPERSET_BUNDLE_LIMIT is for a service without it.
LIMIT_ARGS=()
if [ -n "${SUPERSET_BUNDLE_LIMIT:-}" ]; then LIMIT_ARGS=(--limit "$SUPERSET_BUNDLE_LIMIT"); fi
python3 "$ROOT/superset/make_bundle.py" "$BASE" "$WORK/bundle.zip" "${LIMIT_ARGS[@]}"
echo "== superset: importing the bundle" >&2
superset import-dashboards --path "$WORK/bundle.zip" --username admin

SUPERSET_PORT="$(free_port)"
"$VENV/bin/superset" run -h 127.0.0.1 -p "$SUPERSET_PORT" > "$WORK/superset.log" 2>&1 &
PIDS+=($!)

# The demo's refreshes, queued at start, must have finished before the counts are compared.
wait_until() {
    local what="$1" check="$2"
    for _ in $(seq 1 300); do
        if eval "$check" > /dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    echo "$what did not come up" >&2
    tail -40 "$WORK/service.log" "$WORK/superset.log" >&2
    return 1
}
wait_until "the service" "curl -fsS '$BASE/v1/ingest/runs?limit=100' | python3 -c '
import json, sys
runs = json.load(sys.stdin)[\"data\"]
sys.exit(0 if runs and all(r[\"status\"] == \"succeeded\" for r in runs) else 1)'"
wait_until "superset" "curl -fsS http://127.0.0.1:$SUPERSET_PORT/health"

echo "== checking every chart through Superset's REST API" >&2
SUPERSET_URL="http://127.0.0.1:$SUPERSET_PORT" ADMIN_PASSWORD="$ADMIN_PASSWORD" BASE="$BASE" \
    "$VENV/bin/python" "$ROOT/scripts/superset_dashboard_check.py"
