#!/usr/bin/env bash
# Contract fuzzing: runs schemathesis against the COMMITTED spec (openapi/openapi.json) and the
# release binary serving the demo data on loopback. It fails on any 5xx and on any response whose
# status code, content type or body the spec does not describe. Bounded: at most
# CONTRACT_MAX_EXAMPLES generated cases per operation and CONTRACT_MAX_TIME seconds of fuzzing,
# from a fixed seed, so a failure reproduces with the same command.
#
# Usage: scripts/contract-check.sh   (CONTRACT_REPORT_DIR=dir also keeps a JUnit report there;
# SERVICE_BIN=path uses that binary instead of building one)
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/netflix-analytics/target}"
SCHEMATHESIS_VERSION="4.32.5"
# Outside the clone so that every clone on this machine (and every CI run) shares one install.
VENV="$HOME/.cache/netflix-analytics/schemathesis-$SCHEMATHESIS_VERSION"
MAX_EXAMPLES="${CONTRACT_MAX_EXAMPLES:-50}"
MAX_TIME="${CONTRACT_MAX_TIME:-150}"
SEED="${CONTRACT_SEED:-20261130}"
# positive_data_acceptance (a request the spec allows must not get a 4xx) is left out: the spec
# cannot say that a week must be a Sunday, so it would never pass. CONTRACT_CHECKS=all shows it.
CHECKS="${CONTRACT_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance}"
WORK="$(mktemp -d)"
SPEC="$(pwd)/openapi/openapi.json"
REPORT=()
if [ -n "${CONTRACT_REPORT_DIR:-}" ]; then REPORT=(--report junit --report-dir "$(realpath -m "$CONTRACT_REPORT_DIR")"); fi

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
    echo "== installing schemathesis $SCHEMATHESIS_VERSION into $VENV" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    touch "$VENV/.installed"
fi

if [ -z "${SERVICE_BIN:-}" ]; then
    cargo build --release --locked --bin netflix-analytics
    SERVICE_BIN="$CARGO_TARGET_DIR/release/netflix-analytics"
fi
# Other clones build into the same target directory; a private copy keeps this run on this
# clone's binary even if another one relinks it meanwhile.
cp "$SERVICE_BIN" "$WORK/netflix-analytics"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
# Never handed to schemathesis: the trigger POSTs are fuzzed without valid credentials, so they
# exercise validation and the 401 path but cannot start runs that change the data mid-check.
TOKEN="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"

NA_LISTEN="127.0.0.1:$PORT" NA_WAREHOUSE="$WORK/demo.duckdb" NA_ADMIN_TOKEN="$TOKEN" NA_SCHEDULE=off \
    "$WORK/netflix-analytics" serve --demo > "$WORK/server.log" 2>&1 &
SERVER_PID=$!

# Ready means the warehouse is open; the demo's `all` run is queued at start and must have
# finished too, or the first operations would see an empty or half-loaded warehouse.
demo_loaded() {
    local runs
    runs="$(curl -fsS "$BASE/v1/ingest/runs?limit=100" 2>/dev/null)" || return 1
    python3 -c '
import json, sys
runs = json.load(sys.stdin)["data"]
done = runs and all(r["status"] in ("succeeded", "failed") for r in runs)
failed = [r["id"] for r in runs if r["status"] == "failed"]
if failed:
    sys.exit(f"demo runs failed: {failed}")
sys.exit(0 if done else 1)' <<< "$runs"
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

# POST /v1/ask is left out: the demo service has no language model, so it answers 503
# llm_not_configured by design, which not_a_server_error counts as a failure. Its 400s, 503 and
# answers are asserted in tests/api/llm.rs against a stand-in of the model's API.
echo "== schemathesis $SCHEMATHESIS_VERSION: max $MAX_EXAMPLES examples per operation, ${MAX_TIME}s, seed $SEED" >&2
status=0
# From the temporary folder, with no example database: schemathesis would otherwise keep the
# failures it found in .schemathesis/ in the clone and replay them first next time, so a run
# would depend on the runs before it.
cd "$WORK"
"$VENV/bin/schemathesis" run "$SPEC" \
    --url "$BASE" \
    --checks "$CHECKS" \
    --exclude-path /v1/ask \
    --continue-on-failure \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --seed "$SEED" \
    --generation-database none \
    --request-timeout 40 \
    --workers 1 \
    --no-color \
    "${REPORT[@]}" || status=$?

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the service died during the check; its log:" >&2
    tail -50 "$WORK/server.log" >&2
    status=1
fi
exit "$status"
